// `node --import tsx bench/profile-summary.ts <file.cpuprofile | BENCH_PROFILE_DIR> [top]`: where a V8 CPU profile's
// time went — self time by area (Next.js, React, the MCP SDK, zod, the database driver, Node
// internals, Toolgate's own code, garbage collection, idle) and the top functions by self time.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const [path, topArg] = process.argv.slice(2);
if (!path) {
  console.error("usage: profile-summary.ts <file.cpuprofile | directory> [top]");
  process.exit(2);
}
// A directory (BENCH_PROFILE_DIR): its newest profile.
const file = statSync(path).isDirectory()
  ? join(
      path,
      readdirSync(path)
        .filter((name) => name.endsWith(".cpuprofile"))
        .sort((a, b) => statSync(join(path, b)).mtimeMs - statSync(join(path, a)).mtimeMs)[0] ?? "",
    )
  : path;
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));

function area(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(program)") return "V8 / native (program)";
  if (!url) return "native";
  if (url.startsWith("node:")) return "Node.js internals";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (pkg) {
    if (pkg === "next") return "Next.js";
    if (pkg.startsWith("react")) return "React";
    if (pkg.startsWith("@modelcontextprotocol")) return "MCP SDK";
    if (pkg === "zod") return "zod";
    if (pkg === "postgres" || pkg.startsWith("@electric-sql") || pkg === "drizzle-orm") return "database driver / ORM";
    if (pkg.startsWith("@opentelemetry") || pkg === "prom-client") return "telemetry";
    if (pkg === "undici") return "undici (fetch)";
    return `other packages (${pkg})`;
  }
  if (url.includes("/.next/")) return url.includes("[turbopack]") || url.includes("runtime") ? "Next.js" : "Toolgate (bundled app code)";
  return "other";
}

const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, ms] of selfMs) {
  const node = byId.get(id)!;
  areas.set(area(node), (areas.get(area(node)) ?? 0) + ms);
  const key = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/^.*\/(node_modules|\.next)\//, "$1/")}:${node.callFrame.lineNumber}`;
  functions.set(key, (functions.get(key) ?? 0) + ms);
}
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
const busy = total - (areas.get("idle") ?? 0);
console.log(`profile: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
for (const [name, ms] of [...areas].sort((a, b) => b[1] - a[1]))
  console.log(
    `  ${name.padEnd(36)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${name === "idle" ? "" : `${((ms / busy) * 100).toFixed(1)} % of busy`}`,
  );
console.log(`top functions by self time:`);
for (const [name, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  if (!name.startsWith("(idle)")) console.log(`  ${(ms / 1000).toFixed(2).padStart(6)} s  ${name}`);
