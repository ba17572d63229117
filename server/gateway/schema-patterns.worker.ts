// Runs in a worker thread (see schema-patterns.db.test.ts): a gateway with its own database, two
// workspaces, one of whose upstream tools has a pattern that makes a backtracking engine take
// exponential time. If validation backtracks, this thread's event loop stalls and never answers.
import { workerData } from "node:worker_threads";
import { installDatabaseHandle } from "@/server/database";
import { POST } from "@/app/api/gateway/route";
import { createTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { createTestAgent, gatewayRequest } from "@/test/gateway";
import { answerFromWorker } from "@/test/worker/answer";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { validateArguments } from "./validate-arguments";

export type ScenarioAnswer = {
  validation: Array<{ path: string; message: string }>;
  attacker: { status: number; body: Record<string, unknown> };
  neighbour: { status: number; body: Record<string, unknown> };
};

const { upstreamUrl, schema, evilArgument } = workerData as { upstreamUrl: string; schema: Record<string, unknown>; evilArgument: string };

await answerFromWorker<ScenarioAnswer>(async () => {
  const database = await createTestDatabase();
  installDatabaseHandle(database);
  try {
    const tenant = async () => {
      const workspace = await createWorkspace(database.db);
      const admin = await createUser(database.db, workspace.id);
      const slug = `dir-${uniqueSuffix()}`;
      await connectIntegration(
        { db: database.db, user: admin },
        { clientId: null, name: "Directory", slug, settings: { kind: "mcp", url: upstreamUrl } },
      );
      return { slug, key: (await createTestAgent(database.db, admin)).key };
    };
    const attacker = await tenant();
    const neighbour = await tenant();
    const send = async (key: string, body: unknown) => {
      const response = await POST(gatewayRequest(key, body));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    // Both workspaces' calls at once, then validation on its own.
    const [attackerCall, neighbourCall] = await Promise.all([
      send(attacker.key, { integration: attacker.slug, tool: "get_account", arguments: { code: evilArgument } }),
      send(neighbour.key, { integration: neighbour.slug, tool: "get_user", arguments: { email: "ann@example.test" } }),
    ]);
    const validation = validateArguments("redos-probe", schema, { code: evilArgument });
    return { validation, attacker: attackerCall, neighbour: neighbourCall };
  } finally {
    installDatabaseHandle(undefined);
    await closeMcpClients();
    await database.drop();
  }
});
