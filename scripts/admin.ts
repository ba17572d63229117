// `npm run admin -- <command> [options]`: headless administration.
//   create-admin --email <e-mail> --name <name> [--workspace <slug>] [--workspace-name <name>]
//       The password is read from standard input when it is not a terminal, else prompted for.
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { closeDatabase, getDb } from "@/db";
import { StartupError } from "@/db/startup-error";
import { isServiceError } from "@/server/errors";
import { createAdmin } from "@/server/users/create-admin";

const USAGE = `usage: npm run admin -- create-admin --email <e-mail> --name <name> [--workspace <slug>] [--workspace-name <name>]`;

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

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: "string" }, name: { type: "string" }, workspace: { type: "string" }, "workspace-name": { type: "string" } },
    strict: true,
  });
  if (command === "create-admin") {
    if (!values.email || !values.name) throw new StartupError(`create-admin needs --email and --name.\n${USAGE}`);
    const password = await readPassword();
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
  throw new StartupError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
}

try {
  await main(process.argv.slice(2));
  await closeDatabase();
} catch (error) {
  await closeDatabase().catch(() => {});
  const message =
    error instanceof StartupError || isServiceError(error) || error instanceof TypeError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`toolgate: ${message}\n`);
  process.exit(1);
}
