import type { ToolAnnotations, ToolPolicy } from "@/db/schema";
import { assertNever } from "../errors";

/** What seeding may choose: a new tool is never seeded `disabled` (admins decide that). */
export type SeededPolicy = "auto" | "approval_needed";
export type Classification = { policy: SeededPolicy; reason: string };

const READ_VERBS = new Set([
  "get",
  "list",
  "search",
  "fetch",
  "read",
  "find",
  "lookup",
  "query",
  "describe",
  "show",
  "count",
  "view",
  "export",
  "retrieve",
  "inspect",
  "check",
  "preview",
  "browse",
  "download",
  "whois",
]);

const WRITE_VERBS = new Set([
  "create",
  "update",
  "delete",
  "add",
  "send",
  "reset",
  "remove",
  "set",
  "assign",
  "invite",
  "post",
  "patch",
  "put",
  "grant",
  "revoke",
  "disable",
  "enable",
  "move",
  "archive",
  "restore",
  "provision",
  "sync",
  "insert",
  "upsert",
  "modify",
  "edit",
  "change",
  "rename",
  "replace",
  "write",
  "upload",
  "import",
  "drop",
  "purge",
  "destroy",
  "erase",
  "wipe",
  "clear",
  "kill",
  "terminate",
  "suspend",
  "unsuspend",
  "lock",
  "unlock",
  "block",
  "unblock",
  "approve",
  "deny",
  "reject",
  "transfer",
  "execute",
  "run",
  "trigger",
  "start",
  "stop",
  "restart",
  "deploy",
  "install",
  "uninstall",
  "merge",
  "close",
  "reopen",
  "reply",
  "forward",
  "share",
  "unshare",
  "publish",
  "unpublish",
  "schedule",
  "cancel",
  "kick",
  "ban",
  "unban",
  "join",
  "leave",
  "unarchive",
  "apply",
  "attach",
  "detach",
  "link",
  "unlink",
  "tag",
  "untag",
  "mark",
  "flag",
  "pin",
  "unpin",
  "rotate",
  "renew",
  "expire",
  "offboard",
  "onboard",
  "deprovision",
  "unassign",
  "enroll",
  "unenroll",
  "license",
  "unlicense",
  "notify",
  "message",
  "email",
  "submit",
  "force",
  "reboot",
  "shutdown",
]);

/**
 * Splits a tool name into lower-case words, whatever its case style:
 * `add_user_to_group`, `addUserToGroup`, `users.list`, `get-user`, `ListUsers`, `getHTTPStatus`.
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/**
 * The word that says what a tool does: the first word, except in dotted `namespace.verb` names
 * (`users.list`, `admin.users.get`), where the last segment starts with it.
 */
export function verbOf(name: string): string | null {
  const segments = name.split(".").filter(Boolean);
  const last = segments.length > 1 ? segments[segments.length - 1]! : name;
  return nameWords(last)[0] ?? nameWords(name)[0] ?? null;
}

/** Words in a tool's name that say it handles secrets. */
const SECRET_NAME_WORDS = new Set([
  "password",
  "passwords",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "secrets",
  "token",
  "tokens",
  "credential",
  "credentials",
  "apikey",
  "key",
  "keys",
  "env",
  "environment",
  "otp",
]);
/** Phrases in a description that say the tool reveals or sets a secret (not "a page token"). */
const SECRET_DESCRIPTION =
  /\b(passwords?|passphrases?|secrets?|credentials?|api[ -]?keys?|access keys?|private keys?|access tokens?|auth(?:entication)? tokens?|bearer tokens?|refresh tokens?|environment variables?|env vars?)\b/i;

/**
 * Whether a tool handles secrets — a password, a token, a key, a credential, environment variables —
 * by its name or description, with the word that says so. One classifier for two uses: reads that
 * reveal secrets are seeded as needing approval, and such a tool's result is seeded as sensitive
 * (returned once to the agent, stored redacted).
 */
export function revealsSecrets(tool: { name: string; description?: string | null }): string | null {
  const word = nameWords(tool.name).find((candidate) => SECRET_NAME_WORDS.has(candidate));
  if (word) return `'${word}' in its name`;
  const phrase = tool.description?.match(SECRET_DESCRIPTION)?.[0];
  return phrase ? `'${phrase.toLowerCase()}' in its description` : null;
}

/**
 * Whether seeding classified a tool as a read: it seeds `auto` only for a recognised read verb whose
 * annotations agree and that reveals no secrets, so the seeded policy is that classification. What
 * plan mode lets through (with `auto` now) and what the tool list may call read-only.
 */
export function classifiedReadOnly(seededPolicy: ToolPolicy): boolean {
  return seededPolicy === "auto";
}

type VerbKind = "read" | "write" | "unknown";

function verbKind(verb: string | null): VerbKind {
  if (verb && READ_VERBS.has(verb)) return "read";
  if (verb && WRITE_VERBS.has(verb)) return "write";
  return "unknown";
}

/**
 * The default policy for a newly discovered tool, with the reason shown to admins. Annotations come
 * from the upstream server and are hints, not trust: when a hint and the name's verb disagree, the
 * stricter policy wins and the reason says so. Missing hints are not a signal (the MCP spec's
 * defaults for them say nothing about this tool). Anything unrecognised needs approval, whatever the
 * annotations claim: seeding `auto` always needs a recognised read verb.
 */
export function classify(tool: { name: string; description?: string | null; annotations?: ToolAnnotations | null }): Classification {
  const verb = verbOf(tool.name);
  const kind = verbKind(verb);
  const secrets = revealsSecrets(tool);
  const readOnly = tool.annotations?.readOnlyHint;
  const destructive = tool.annotations?.destructiveHint;
  const verbText = kind === "unknown" ? `unrecognised verb '${verb ?? tool.name}'` : `${kind} verb '${verb}'`;

  if (destructive === true) {
    if (readOnly === true)
      return {
        policy: "approval_needed",
        reason: "annotations readOnlyHint and destructiveHint contradict each other — the stricter policy wins",
      };
    if (kind === "read")
      return { policy: "approval_needed", reason: `annotation destructiveHint contradicts ${verbText} — the stricter policy wins` };
    return {
      policy: "approval_needed",
      reason: kind === "write" ? `annotation destructiveHint and ${verbText}` : "annotation destructiveHint",
    };
  }
  // A read that reveals secrets is a disclosure: someone decides, whatever the hints say.
  if (kind === "read" && secrets) return { policy: "approval_needed", reason: `${verbText}, but it reveals secrets (${secrets})` };
  if (readOnly === true) {
    if (kind === "write")
      return { policy: "approval_needed", reason: `annotation readOnlyHint contradicts ${verbText} — the stricter policy wins` };
    // A hint alone is the upstream's word: an untrusted server could get any new tool auto-run by
    // claiming read-only. Only a hint that agrees with a recognised read verb seeds auto.
    if (kind === "unknown")
      return { policy: "approval_needed", reason: `annotation readOnlyHint, but ${verbText} — a hint alone is not trusted` };
    return { policy: "auto", reason: `annotation readOnlyHint and ${verbText}` };
  }
  if (readOnly === false && kind === "read") {
    return { policy: "approval_needed", reason: `annotation readOnlyHint: false contradicts ${verbText} — the stricter policy wins` };
  }
  switch (kind) {
    case "read":
      return { policy: "auto", reason: verbText };
    case "write":
      return { policy: "approval_needed", reason: verbText };
    case "unknown":
      return { policy: "approval_needed", reason: `${verbText} — conservative default` };
    default:
      return assertNever(kind);
  }
}
