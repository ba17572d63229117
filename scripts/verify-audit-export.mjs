// Verifies a Toolgate audit export (JSON Lines) offline, with only Node.js:
//   node verify-audit-export.mjs export.jsonl <workspace chain key, hex>
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const [file, keyHex] = process.argv.slice(2);
const key = Buffer.from(keyHex ?? "", "hex");
if (!file || key.length !== 32) throw new Error("usage: node verify-audit-export.mjs <export.jsonl> <64 hex characters>");

const canonical = (v) =>
  v === null || typeof v !== "object"
    ? (JSON.stringify(v) ?? "null")
    : Array.isArray(v)
      ? `[${v.map(canonical).join(",")}]`
      : `{${Object.keys(v)
          .filter((k) => v[k] !== undefined)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
          .join(",")}}`;

let previous = null;
let count = 0;
for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
  const { seq, prev, link, event: e } = JSON.parse(line);
  const names = ["id", "workspaceId", "at", "actorType", "actorId", "action", "clientId", "subjectType", "subjectId", "callId", "data"];
  const fields = [seq, ...names.map((name) => e[name])];
  const expected = createHmac("sha256", key)
    .update(`${prev}\n${canonical(fields)}`)
    .digest("hex");
  const fail = (why) => (console.log(`BROKEN at link ${seq} (event ${e.id}): ${why}`), process.exit(1));
  if (previous && (seq !== previous.seq + 1 || prev !== previous.link)) fail("it does not follow the line before it");
  if (expected !== link) fail("its content does not match its link");
  previous = { seq, link };
  count++;
}
console.log(
  previous ? `OK: ${count} events, links ${previous.seq - count + 1}–${previous.seq}, last link ${previous.link}` : "OK: empty export",
);
