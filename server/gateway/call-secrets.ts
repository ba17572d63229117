import { openSecret, sealSecret } from "../crypto/secret-box";
import { argumentsDigest } from "../crypto/canonical-json";

/** What stands in, in storage, pages, messages and exports, for an argument the schema marks secret. */
export const REDACTED_ARGUMENT = "[redacted: write-only]";

type Path = string[];

const pathsByDefinition = new Map<string, Path[]>();

/**
 * Where a tool's input schema marks an argument as a secret (`writeOnly: true` or
 * `format: "password"`), following nested object properties. Cached by the tool's definition hash.
 */
export function secretArgumentPaths(definitionHash: string, schema: Record<string, unknown>): Path[] {
  let paths = pathsByDefinition.get(definitionHash);
  if (!paths) {
    paths = [];
    const walk = (node: unknown, path: Path, depth: number) => {
      if (!node || typeof node !== "object" || depth > 16) return;
      const properties = (node as { properties?: unknown }).properties;
      if (!properties || typeof properties !== "object") return;
      for (const [name, child] of Object.entries(properties as Record<string, unknown>)) {
        if (!child || typeof child !== "object") continue;
        const { writeOnly, format } = child as { writeOnly?: unknown; format?: unknown };
        if (writeOnly === true || format === "password") paths!.push([...path, name]);
        else walk(child, [...path, name], depth + 1);
      }
    };
    walk(schema, [], 0);
    if (pathsByDefinition.size > 5_000) pathsByDefinition.clear();
    pathsByDefinition.set(definitionHash, paths);
  }
  return paths;
}

/**
 * Splits arguments into what may be stored (secret values replaced by a marker) and the secrets
 * themselves (by dotted path), which are kept sealed only until the call runs.
 */
export function splitSecretArguments(
  args: Record<string, unknown>,
  paths: Path[],
): { stored: Record<string, unknown>; secrets: Record<string, unknown> } {
  if (paths.length === 0) return { stored: args, secrets: {} };
  const stored = structuredClone(args);
  const secrets: Record<string, unknown> = {};
  for (const path of paths) {
    let node: unknown = stored;
    for (const key of path.slice(0, -1)) node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    const leaf = path.at(-1)!;
    if (node && typeof node === "object" && !Array.isArray(node) && leaf in (node as Record<string, unknown>)) {
      secrets[path.join(".")] = (node as Record<string, unknown>)[leaf];
      (node as Record<string, unknown>)[leaf] = REDACTED_ARGUMENT;
    }
  }
  return { stored, secrets };
}

/** The arguments that run: the stored ones with the secrets put back. */
export function mergeSecretArguments(stored: Record<string, unknown>, secrets: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(secrets).length === 0) return stored;
  const merged = structuredClone(stored);
  for (const [dotted, value] of Object.entries(secrets)) {
    const path = dotted.split(".");
    let node: Record<string, unknown> = merged;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  return merged;
}

/** A call's sealed secrets: write-only arguments until it runs, a sensitive result until the agent read it. */
export type CallSecrets = { arguments?: Record<string, unknown>; result?: unknown };

const context = (callId: string) => `call-secrets:${callId}`;
export const sealCallSecrets = (callId: string, secrets: CallSecrets): string => sealSecret(secrets, context(callId));
export const openCallSecrets = (callId: string, sealed: string): CallSecrets => openSecret<CallSecrets>(sealed, context(callId));

/** What is stored of a result that is a secret: a marker and its digest, never the value. */
export function redactedResult(result: unknown): { value: Record<string, unknown>; digest: string } {
  const digest = argumentsDigest(result);
  return {
    value: { redacted: "This tool's result is sensitive: it was returned once to the agent and is not stored.", sha256: digest },
    digest,
  };
}
