import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Prefixes say what an id points at, in a log line, a Slack message or a deep link. */
export const ID_PREFIXES = {
  workspace: "ws",
  user: "usr",
  session: "ses",
  client: "cli",
  person: "per",
  integration: "int",
  tool: "tool",
  policyChange: "pch",
  agent: "agt",
  agentKey: "key",
  call: "call",
  approval: "apr",
  approvalToken: "atk",
  approvalVote: "avt",
  job: "job",
  delivery: "dlv",
  audit: "evt",
  setupToken: "sut",
  demo: "dmo",
  identity: "idn",
  baseline: "bsl",
  baselineTool: "bst",
  grant: "grt",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/**
 * CSPRNG bytes drawn 4 KiB at a time and each handed out once (as crypto.randomUUID does): a tool
 * call makes several ids, and a system call for every 20 bytes showed in the gateway's profile.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function randomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  return pool[offset++]!;
}

/** `length` base62 characters from the CSPRNG (rejection sampling keeps them uniform). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    // 62 * 4 = 248: bytes 248..255 are dropped so every character is equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase62(20)}`;
}
