import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { z } from "zod";
import { StartupError } from "@/db/startup-error";
import { MAX_BODY_BYTES } from "./gateway/request-body";
import { parseAllowedNetworks, parseNetworks, type Network } from "./net/outbound-guard";

const ARGUMENTS_LIMIT_SENTENCE = `TOOLGATE_MAX_ARGUMENTS_BYTES must be a whole number of bytes from 1024 to ${MAX_BODY_BYTES} (the request body limit), e.g. 65536`;

const ESCALATION_MINUTE_SENTENCE =
  "TOOLGATE_ESCALATION_MINUTE_SECONDS must be a whole number of seconds from 1 to 60 (tests only; leave it unset)";

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((value) => value === "1" || value === "true");

const schema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(value), {
      message: "DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/toolgate",
    })
    .refine((value) => value === undefined || URL.canParse(value), { message: "DATABASE_URL is not a valid URL" }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PGLITE_DIR: z.string().optional(),
  TOOLGATE_DATA_DIR: z.string().default(".data"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (try: openssl rand -base64 32)").optional(),
  TOOLGATE_ENCRYPTION_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/_-]{43}=?$|^[0-9a-fA-F]{64}$/,
      "TOOLGATE_ENCRYPTION_KEY must be 32 bytes as base64 (44 characters) or hex (64 characters)",
    )
    .optional(),
  TOOLGATE_AUDIT_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/_-]{43}=?$|^[0-9a-fA-F]{64}$/,
      "TOOLGATE_AUDIT_KEY must be 32 bytes as base64 (44 characters) or hex (64 characters)",
    )
    .optional(),
  TOOLGATE_METRICS_TOKEN: z
    .string()
    .min(24, "TOOLGATE_METRICS_TOKEN must be at least 24 characters (try: openssl rand -hex 24)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TOOLGATE_SSO_KIND: z
    .enum(["entra", "google", "oidc", ""], { message: "TOOLGATE_SSO_KIND must be entra, google or oidc" })
    .optional()
    .transform((value) => value || undefined),
  TOOLGATE_SSO_ISSUER: z.string().optional(),
  TOOLGATE_SSO_TENANT: z.string().optional(),
  TOOLGATE_SSO_CLIENT_ID: z.string().optional(),
  TOOLGATE_SSO_CLIENT_SECRET: z.string().optional(),
  TOOLGATE_SSO_ALLOWED_DOMAINS: z.string().optional(),
  TOOLGATE_SSO_WORKSPACE: z.string().optional(),
  TOOLGATE_URL: z.url("TOOLGATE_URL must be the app's public URL, e.g. https://toolgate.example.com").optional(),
  TOOLGATE_INTERNAL_URL: z.url("TOOLGATE_INTERNAL_URL must be a URL at which this app reaches itself").optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Replaced by TOOLGATE_UPSTREAM_ALLOWED_NETWORKS; read only to say so. */
  TOOLGATE_ALLOW_PRIVATE_UPSTREAMS: flag,
  TOOLGATE_UPSTREAM_ALLOWED_NETWORKS: z.string().default(""),
  TOOLGATE_TRUSTED_PROXIES: z.string().default(""),
  SLACK_API_URL: z.url("SLACK_API_URL must be a URL ending in /api/").optional(),
  TOOLGATE_BENCH: flag,
  TOOLGATE_WORKER: z.enum(["on", "off"]).default("on"),
  TOOLGATE_LOG_REQUESTS: z.enum(["on", "off"]).default("on"),
  /** Tests only: how many seconds one escalation minute lasts (approvals/escalation/schedule.ts). */
  TOOLGATE_ESCALATION_MINUTE_SECONDS: z.coerce
    .number(ESCALATION_MINUTE_SENTENCE)
    .int(ESCALATION_MINUTE_SENTENCE)
    .min(1, ESCALATION_MINUTE_SENTENCE)
    .max(60, ESCALATION_MINUTE_SENTENCE)
    .default(60),
  /** `off` silences the warning a failed job attempt logs (tests). */
  TOOLGATE_LOG_JOBS: z.string().optional(),
  /** Tuning, read where used (a value that is not a usable number means the default there). */
  TOOLGATE_MCP_APPROVAL_WAIT_MS: z.string().optional(),
  TOOLGATE_UPSTREAM_TIMEOUT_MS: z.string().optional(),
  /** Extra origins (comma-separated) /api/mcp accepts besides the app's own. */
  TOOLGATE_MCP_ALLOWED_ORIGINS: z.string().default(""),
  /** `1` accepts an SMTP server's certificate without checking it (a test or lab mail server). */
  TOOLGATE_SMTP_INSECURE_TLS: z.string().optional(),
  /** The proof suite's crash tests only: the fault point at which the process kills itself (server/fault-points.ts). */
  TOOLGATE_FAULT_POINT: z.string().optional(),
  /** `npm run bench` only: the upstream the forward-only route (B1) calls. */
  TOOLGATE_BENCH_UPSTREAM: z.string().optional(),
  TOOLGATE_MAX_ARGUMENTS_BYTES: z.coerce
    .number(ARGUMENTS_LIMIT_SENTENCE)
    .int(ARGUMENTS_LIMIT_SENTENCE)
    .min(1_024, ARGUMENTS_LIMIT_SENTENCE)
    .max(MAX_BODY_BYTES, ARGUMENTS_LIMIT_SENTENCE)
    .default(64 * 1024),
});

export type Env = z.infer<typeof schema> & {
  dataDir: string;
  pgliteDir: string;
  authSecret: string;
  encryptionKey: Buffer;
  /** Seals the audit chain (HMAC); from the environment or the data directory, never the database. */
  auditKey: Buffer;
  publicUrl: string;
  /** Where the app reaches itself (its demo directories): loopback, not the public URL. */
  internalUrl: string;
  /** Special-purpose networks integrations may reach (metadata and this host's own addresses never). */
  allowedNetworks: Network[];
  /** Peers whose X-Forwarded-For / X-Forwarded-Proto are believed. */
  trustedProxies: Network[];
};

const cache = globalThis as unknown as { __toolgateEnv?: Env };

/** One sentence per problem, as an operator wants to read it. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.message.includes(String(issue.path[0])) ? issue.message : `${String(issue.path[0])}: ${issue.message}`))
    .join("; ");
}

/**
 * A secret kept in the data directory for the embedded database, generated on first use so that
 * `npm start` needs no configuration and sessions and credentials survive restarts.
 */
function loadOrCreateLocalSecret(dataDir: string, name: string): string {
  const path = join(dataDir, name);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64");
  writeFileSync(path, secret + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return secret;
}

function decodeKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
}

/** Reads and validates the environment once; a bad value throws a StartupError naming it. */
export function getEnv(source: Record<string, string | undefined> = process.env): Env {
  if (cache.__toolgateEnv && source === process.env) return cache.__toolgateEnv;
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new StartupError(describeIssues(parsed.error));
  const values = parsed.data;
  const dataDir = resolve(/*turbopackIgnore: true*/ values.TOOLGATE_DATA_DIR);
  const embedded = values.DATABASE_URL === undefined;
  if (!embedded && !values.AUTH_SECRET) {
    throw new StartupError(
      "AUTH_SECRET is required when DATABASE_URL is set, so that every instance signs sessions alike (try: openssl rand -base64 32).",
    );
  }
  if (!embedded && !values.TOOLGATE_ENCRYPTION_KEY) {
    throw new StartupError(
      "TOOLGATE_ENCRYPTION_KEY is required when DATABASE_URL is set, so that every instance can read stored credentials (try: openssl rand -base64 32).",
    );
  }
  if (!embedded && !values.TOOLGATE_AUDIT_KEY) {
    throw new StartupError(
      "TOOLGATE_AUDIT_KEY is required when DATABASE_URL is set, so that every instance seals the audit chain with the same key, kept outside the database (try: openssl rand -base64 32).",
    );
  }
  if (values.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS) {
    throw new StartupError(
      "TOOLGATE_ALLOW_PRIVATE_UPSTREAMS is no longer read: list the private networks integrations may reach in TOOLGATE_UPSTREAM_ALLOWED_NETWORKS instead (CIDR, comma-separated, e.g. 10.20.0.0/16).",
    );
  }
  let allowedNetworks: Network[];
  let trustedProxies: Network[];
  try {
    allowedNetworks = parseAllowedNetworks(values.TOOLGATE_UPSTREAM_ALLOWED_NETWORKS);
    trustedProxies = parseNetworks("TOOLGATE_TRUSTED_PROXIES", values.TOOLGATE_TRUSTED_PROXIES);
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  if (
    values.TOOLGATE_SSO_KIND &&
    (!values.TOOLGATE_SSO_CLIENT_ID || !values.TOOLGATE_SSO_CLIENT_SECRET || !values.TOOLGATE_SSO_ALLOWED_DOMAINS)
  ) {
    throw new StartupError(
      "TOOLGATE_SSO_KIND is set: also set TOOLGATE_SSO_CLIENT_ID, TOOLGATE_SSO_CLIENT_SECRET and TOOLGATE_SSO_ALLOWED_DOMAINS (and TOOLGATE_SSO_TENANT or TOOLGATE_SSO_ISSUER).",
    );
  }
  const env: Env = {
    ...values,
    dataDir,
    pgliteDir: resolve(/*turbopackIgnore: true*/ values.PGLITE_DIR ?? join(dataDir, "pglite")),
    authSecret: values.AUTH_SECRET ?? loadOrCreateLocalSecret(dataDir, "auth-secret"),
    encryptionKey: decodeKey(values.TOOLGATE_ENCRYPTION_KEY ?? loadOrCreateLocalSecret(dataDir, "encryption-key")),
    auditKey: decodeKey(values.TOOLGATE_AUDIT_KEY ?? loadOrCreateLocalSecret(dataDir, "audit-key")),
    publicUrl: (values.TOOLGATE_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, ""),
    internalUrl: (values.TOOLGATE_INTERNAL_URL ?? `http://127.0.0.1:${values.PORT}`).replace(/\/$/, ""),
    allowedNetworks,
    trustedProxies,
  };
  if (source === process.env) cache.__toolgateEnv = env;
  return env;
}

/** Tests change process.env between cases; this forgets the validated copy. */
export function forgetEnv(): void {
  cache.__toolgateEnv = undefined;
}
