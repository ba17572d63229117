// The commands of `npm run admin` (scripts/admin.ts runs them; tests call runAdminCommand).
//   create-admin --email <e-mail> --name <name> [--workspace <slug>] [--workspace-name <name>]
//       The password is read from standard input when it is not a terminal, else prompted for.
//   create-agent --name <name> [--workspace <slug>] [--clients all|<client slug>,…] [--msp-wide]
//       Prints the new API key alone on the last line of standard output.
//   verify-audit [--workspace <slug>]
//       Walks each workspace's audit chain; exits 1 at a broken link or events unsealed for over a minute.
//   export-audit --workspace <slug> [--from <date>] [--to <date>]
//       The workspace's sealed audit events as JSON Lines on standard output.
//   audit-key --workspace <slug>
//       The workspace's chain key (hex), for an auditor who verifies its exports offline.
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { getDb } from "@/server/database";
import { StartupError } from "@/db/startup-error";
import { and, eq, inArray } from "drizzle-orm";
import { userInfo } from "node:os";
import { clients } from "@/db/schema";
import { createAgent } from "@/server/agents/manage-agents";
import { createAdmin, resolveWorkspace } from "@/server/users/create-admin";
import { workspaceChainKey } from "@/server/audit/chain";
import { exportAuditJsonLines } from "@/server/audit/export";
import { describeChainReport, verifyAuditChains } from "@/server/audit/verify";
import { getEnv } from "@/server/env";

const USAGE = `usage:
  npm run admin -- create-admin --email <e-mail> --name <name> [--workspace <slug>] [--workspace-name <name>]
  npm run admin -- create-agent --name <name> [--workspace <slug>] [--clients all|<client slug>,…] [--msp-wide]
  npm run admin -- verify-audit [--workspace <slug>]
  npm run admin -- export-audit --workspace <slug> [--from <date>] [--to <date>]
  npm run admin -- audit-key --workspace <slug>`;

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    return input.replace(/\r?\n$/, "");
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (text: string) => void };
  process.stdout.write("Password: ");
  muted._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stdout.write("\n");
  return answer;
}

/** Runs one admin command; the password comes from `readSecret` (standard input or a prompt by default). */
export async function runAdminCommand(argv: string[], io: { readSecret?: () => Promise<string> } = {}): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      workspace: { type: "string" },
      "workspace-name": { type: "string" },
      clients: { type: "string" },
      "msp-wide": { type: "boolean" },
      from: { type: "string" },
      to: { type: "string" },
    },
    strict: true,
  });
  if (command === "create-admin") {
    if (!values.email || !values.name) throw new StartupError(`create-admin needs --email and --name.\n${USAGE}`);
    const password = await (io.readSecret ?? readPassword)();
    const result = await createAdmin(await getDb(), {
      email: values.email,
      name: values.name,
      password,
      workspaceSlug: values.workspace,
      workspaceName: values["workspace-name"],
    });
    console.log(`Admin ${values.email} created in workspace "${result.workspaceSlug}".`);
    return;
  }
  if (command === "create-agent") {
    if (!values.name) throw new StartupError(`create-agent needs --name.\n${USAGE}`);
    const db = await getDb();
    const workspace = await resolveWorkspace(db, values.workspace);
    if (!workspace) throw new StartupError("There is no workspace yet: set Toolgate up first (open /setup, or run create-admin).");
    const scopeText = values.clients ?? "all";
    let clientIds: string[] = [];
    if (scopeText !== "all") {
      const slugs = scopeText
        .split(",")
        .map((slug) => slug.trim())
        .filter(Boolean);
      const rows = await db
        .select({ id: clients.id, slug: clients.slug })
        .from(clients)
        .where(and(eq(clients.workspaceId, workspace.id), inArray(clients.slug, slugs)));
      const missing = slugs.filter((slug) => !rows.some((row) => row.slug === slug));
      if (missing.length)
        throw new StartupError(
          `No client with the slug ${missing.map((slug) => `"${slug}"`).join(", ")} in workspace "${workspace.slug}".`,
        );
      clientIds = rows.map((row) => row.id);
    }
    const actor = {
      id: `cli:${userInfo().username}`,
      sessionId: "",
      workspaceId: workspace.id,
      email: "",
      name: "command line",
      role: "admin" as const,
    };
    const result = await createAgent(
      { db, user: actor },
      { name: values.name, scope: { allClients: scopeText === "all", clientIds, mspWide: values["msp-wide"] ?? scopeText === "all" } },
    );
    console.log(
      `Agent "${values.name}" (${result.agentId}) created in workspace "${workspace.slug}", scope: ${scopeText}. Its API key, shown only now:`,
    );
    console.log(result.key);
    return;
  }
  if (command === "verify-audit") {
    const db = await getDb();
    const workspace = values.workspace ? await resolveWorkspace(db, values.workspace) : null;
    const reports = await verifyAuditChains(db, { workspaceId: workspace?.id });
    for (const report of reports) console.log(describeChainReport(report));
    if (reports.some((report) => report.firstBroken || report.unsealed.count > 0)) process.exitCode = 1;
    return;
  }
  if (command === "export-audit" || command === "audit-key") {
    if (!values.workspace) throw new StartupError(`${command} needs --workspace.\n${USAGE}`);
    const db = await getDb();
    const workspace = (await resolveWorkspace(db, values.workspace))!;
    if (command === "audit-key") {
      console.log(workspaceChainKey(getEnv().auditKey, workspace.id).toString("hex"));
      return;
    }
    const date = (name: "from" | "to") => {
      const text = values[name];
      if (!text) return undefined;
      const parsed = new Date(text);
      if (Number.isNaN(parsed.getTime()))
        throw new StartupError(`--${name} "${text}" is not a date (try 2026-11-30 or 2026-11-30T12:00:00Z).`);
      return parsed;
    };
    for await (const line of exportAuditJsonLines(db, { workspaceId: workspace.id, from: date("from"), to: date("to") })) {
      if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once("drain", resolve));
    }
    return;
  }
  throw new StartupError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
}
