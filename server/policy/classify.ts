import type { ToolAnnotations, ToolPolicy } from "@/db/schema";
import { assertNever } from "../errors";

/** What seeding may choose: a new tool is never seeded `disabled` (admins decide that). */
export type SeededPolicy = "auto" | "approval_needed";
export type Classification = {
  policy: SeededPolicy;
  reason: string;
  /** The upstream marks the tool destructive: the seeded approval should include the requester's manager. */
  managerApprovalSuggested: boolean;
  /** Why a person should look at this tool (its annotations contradict its name or each other); null: nothing. */
  review: string | null;
};

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
 * (`users.list`, `admin.users.get`), where the last segment starts with it, and in names prefixed
 * with their server's name (`slack_post_message`, `jira_get_issue`): a first word that is no verb
 * followed by one that is. (That reading can only name a verb the tool's name already contains.)
 */
export function verbOf(name: string): string | null {
  const segments = name.split(".").filter(Boolean);
  const last = segments.length > 1 ? segments[segments.length - 1]! : name;
  const words = nameWords(last);
  const [first, second] = words;
  if (first && second && !isVerb(first) && isVerb(second)) return second;
  return first ?? nameWords(name)[0] ?? null;
}

const isVerb = (word: string) => READ_VERBS.has(word) || WRITE_VERBS.has(word);

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
 * stricter policy wins, the reason says so, and the tool is flagged for review (`review`). Missing
 * hints are not a signal (the MCP spec's defaults for them say nothing about this tool). Anything
 * unrecognised needs approval, whatever the annotations claim: seeding `auto` always needs a
 * recognised read verb. A destructive tool needs approval with Manager Approval suggested (the
 * admin switches it on: it needs a requester with a manager); a tool that reaches an open world
 * (`openWorldHint`) says so in its reason.
 */
export function classify(tool: { name: string; description?: string | null; annotations?: ToolAnnotations | null }): Classification {
  const base = classifyByVerbAndHints(tool);
  const openWorld = tool.annotations?.openWorldHint === true ? "; openWorldHint: it reaches systems outside the integration" : "";
  const manager = base.managerApprovalSuggested ? "; Manager Approval suggested" : "";
  return { ...base, reason: `${base.reason}${openWorld}${manager}` };
}

function classifyByVerbAndHints(tool: { name: string; description?: string | null; annotations?: ToolAnnotations | null }): Classification {
  const verb = verbOf(tool.name);
  const kind = verbKind(verb);
  const secrets = revealsSecrets(tool);
  const readOnly = tool.annotations?.readOnlyHint;
  const destructive = tool.annotations?.destructiveHint;
  const verbText = kind === "unknown" ? `unrecognised verb '${verb ?? tool.name}'` : `${kind} verb '${verb}'`;
  const plain = { managerApprovalSuggested: false, review: null };
  const contradiction = (reason: string, managerApprovalSuggested = false): Classification => ({
    policy: "approval_needed",
    reason: `${reason} — the stricter policy wins`,
    managerApprovalSuggested,
    review: `its annotations contradict ${reason.includes("each other") ? "each other" : `its name (${verbText})`}`,
  });

  if (destructive === true) {
    if (readOnly === true) return contradiction("annotations readOnlyHint and destructiveHint contradict each other", true);
    if (kind === "read") return contradiction(`annotation destructiveHint contradicts ${verbText}`, true);
    return {
      policy: "approval_needed",
      reason: kind === "write" ? `annotation destructiveHint and ${verbText}` : "annotation destructiveHint",
      managerApprovalSuggested: true,
      review: null,
    };
  }
  // A read that reveals secrets is a disclosure: someone decides, whatever the hints say.
  if (kind === "read" && secrets)
    return { policy: "approval_needed", reason: `${verbText}, but it reveals secrets (${secrets})`, ...plain };
  if (readOnly === true) {
    if (kind === "write") return contradiction(`annotation readOnlyHint contradicts ${verbText}`);
    // A hint alone is the upstream's word: an untrusted server could get any new tool auto-run by
    // claiming read-only. Only a hint that agrees with a recognised read verb seeds auto.
    if (kind === "unknown")
      return { policy: "approval_needed", reason: `annotation readOnlyHint, but ${verbText} — a hint alone is not trusted`, ...plain };
    return { policy: "auto", reason: `annotation readOnlyHint and ${verbText}`, ...plain };
  }
  if (readOnly === false && kind === "read") return contradiction(`annotation readOnlyHint: false contradicts ${verbText}`);
  switch (kind) {
    case "read":
      return { policy: "auto", reason: verbText, ...plain };
    case "write":
      return { policy: "approval_needed", reason: verbText, ...plain };
    case "unknown":
      return { policy: "approval_needed", reason: `${verbText} — conservative default`, ...plain };
    default:
      return assertNever(kind);
  }
}
