import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { linearRegExpEngine, UnsupportedPatternError } from "./linear-regexp";

export type ArgumentError = { path: string; message: string };

function makeAjv<T extends Ajv>(AjvClass: new (options: object) => T): T {
  // Schemas come from upstream servers: their patterns run on RE2 (linear time), never on a
  // backtracking RegExp that one tenant's tool could use to stall every tenant's calls.
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: true, code: { regExp: linearRegExpEngine } });
  addFormats(ajv);
  return ajv;
}

const draft07 = makeAjv(Ajv);
const draft2020 = makeAjv(Ajv2020 as unknown as new (options: object) => Ajv);

/** Compiled validators by tool definition hash: a changed definition compiles afresh. */
const compiled = new Map<string, ValidateFunction | Error>();
const MAX_CACHED = 5_000;

function validatorFor(definitionHash: string, schema: Record<string, unknown>): ValidateFunction | Error {
  let validator = compiled.get(definitionHash);
  if (!validator) {
    try {
      const ajv = typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? draft2020 : draft07;
      const { $id: _id, ...withoutId } = schema;
      validator = ajv.compile(withoutId);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(definitionHash, validator);
  }
  return validator;
}

/**
 * Why a tool's input schema cannot be checked — a pattern the linear-time engine refuses
 * (lookahead, backreferences) or a schema that does not compile — as a sentence for the agent, or
 * null when it can. Such a tool's calls are refused (400 schema_unsupported), never run unchecked.
 */
export function schemaUnsupportedMessage(definitionHash: string, schema: Record<string, unknown>, toolName: string): string | null {
  const validator = validatorFor(definitionHash, schema);
  if (!(validator instanceof Error)) return null;
  const why =
    validator instanceof UnsupportedPatternError
      ? `${validator.message}, and Toolgate checks patterns only with a linear-time engine`
      : `it does not compile (${validator.message.slice(0, 200)})`;
  return `${toolName}'s input schema cannot be checked: ${why}. The call was refused and nothing was sent upstream; the tool's server must change its schema.`;
}

/**
 * Checks arguments against the tool's input JSON Schema. Returns the errors (empty when valid).
 * A schema that cannot be compiled cannot be evaluated, so the call is refused with that reason.
 */
export function validateArguments(definitionHash: string, schema: Record<string, unknown>, args: Record<string, unknown>): ArgumentError[] {
  const validator = validatorFor(definitionHash, schema);
  if (validator instanceof Error)
    return [
      {
        path: "",
        message: `the tool's input schema cannot be evaluated (${validator.message.slice(0, 200)}), so no call can be checked against it`,
      },
    ];
  if (validator(args)) return [];
  return (validator.errors ?? []).slice(0, 20).map((error) => ({
    path: error.instancePath || "/",
    message:
      error.keyword === "additionalProperties"
        ? `unknown argument "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : (error.message ?? "is invalid"),
  }));
}
