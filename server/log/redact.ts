/**
 * Everything a log line carries passes through here: secrets that travel in URLs and headers
 * (deep-link and set-password tokens, token-like query values, bearer credentials, agent keys)
 * are replaced before the line is written, so no caller has to remember.
 */
const REDACTED = "[redacted]";

const RULES: Array<[RegExp, string]> = [
  // Path tokens: /approve/<token>, /set-password/<token>
  [/(\/(?:approve|set-password)\/)[^/?#\s"'\\]+/gi, `$1${REDACTED}`],
  // Query (or form) values whose name says they are a credential
  [
    /([?&;](?:[\w.-]*token|key|api[_-]?key|code|secret|password|pass|sig|signature|state|session|auth|credential)=)[^&#\s"'\\]*/gi,
    `$1${REDACTED}`,
  ],
  // Authorization: Bearer / Basic credentials
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  // Agent API keys wherever they appear
  [/\btg_[A-Za-z0-9_-]{20,}/g, `tg_${REDACTED}`],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
