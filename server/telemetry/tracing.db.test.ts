import { NodeSDK } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/gateway/route";
import { setupTestDatabase } from "@/test/database";
import { createUser, createWorkspace, uniqueSuffix } from "@/test/fixtures";
import { createTestAgent, gatewayRequest } from "@/test/gateway";
import { startMcpUpstream, tool, type McpUpstream } from "@/test/mcp-upstream";
import { createClient } from "../clients/clients";
import { connectIntegration } from "../integrations/connect";
import { closeMcpClients } from "../integrations/connectors/mcp";
import { metrics } from "../metrics/registry";
import { linkFromTraceparent } from "./tracing";

const database = setupTestDatabase();
const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor(exporter)], instrumentations: [] });
let upstream: McpUpstream;

const AGENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const AGENT_TRACEPARENT = `00-${AGENT_TRACE}-00f067aa0ba902b7-01`;

beforeAll(async () => {
  sdk.start();
  upstream = await startMcpUpstream({ tools: [tool("list_users", { inputSchema: { type: "object", properties: {} } })] });
});
afterAll(async () => {
  await closeMcpClients();
  await upstream.close();
  await sdk.shutdown();
});

const counterValue = async (name: string, labels: Record<string, string>) =>
  (await metrics().registry.getSingleMetric(name)!.get()).values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  )?.value ?? 0;

describe("OpenTelemetry traces of a gateway call", () => {
  it("gives one call its own trace: a root span with key, decide, upstream and record as children, linked to the agent's traceparent, sent upstream instead of it", async () => {
    const { db } = database();
    const workspace = await createWorkspace(db);
    const admin = await createUser(db, workspace.id);
    const client = await createClient({ db, user: admin }, { name: `Client ${uniqueSuffix()}` });
    const slug = `dir-${uniqueSuffix()}`;
    await connectIntegration(
      { db, user: admin },
      { clientId: client.id, name: "Directory", slug, settings: { kind: "mcp", url: upstream.url } },
    );
    const agent = await createTestAgent(db, admin);
    const executedBefore = await counterValue("toolgate_gateway_decisions_total", { outcome: "executed", protocol: "rest" });
    exporter.reset();

    const response = await POST(
      gatewayRequest(
        agent.key,
        { integration: slug, tool: "list_users", arguments: {} },
        { traceparent: AGENT_TRACEPARENT, tracestate: "agent=secret" },
      ),
    );
    expect(response.status).toBe(200);

    const spans = exporter.getFinishedSpans();
    const root = spans.find((span) => span.name === "gateway.call")!;
    expect(root).toBeDefined();
    expect(root.parentSpanContext).toBeUndefined();
    const traceId = root.spanContext().traceId;
    expect(traceId).not.toBe(AGENT_TRACE);
    expect(root.links.map((link) => link.context.traceId)).toEqual([AGENT_TRACE]);
    expect(root.attributes).toMatchObject({
      "toolgate.protocol": "rest",
      "toolgate.outcome": "executed",
      "toolgate.call.kind": "succeeded",
    });

    const children = spans.filter((span: ReadableSpan) => span.parentSpanContext?.spanId === root.spanContext().spanId);
    // The call is recorded before its upstream request and completed after it (record before upstream).
    expect(children.map((span) => span.name)).toEqual([
      "gateway.key",
      "gateway.decide",
      "gateway.record",
      "gateway.upstream",
      "gateway.record",
    ]);
    for (const child of children) expect(child.spanContext().traceId).toBe(traceId);
    expect(children[1]!.attributes["toolgate.decision"]).toBe("execute");
    const upstreamSpan = children[3]!;

    // The upstream got Toolgate's trace context (of its upstream span), never the agent's headers.
    const sent = upstream.calls.at(-1)!.headers;
    expect(sent.traceparent).toMatch(new RegExp(`^00-${traceId}-${upstreamSpan.spanContext().spanId}-01$`));
    expect(sent.traceparent).not.toContain(AGENT_TRACE);
    expect(sent.tracestate).toBeUndefined();
    console.log(
      `span tree of one call: ${root.name} → ${children.map((span) => span.name).join(", ")} (trace ${traceId}, linked ${AGENT_TRACE})`,
    );

    expect(await counterValue("toolgate_gateway_decisions_total", { outcome: "executed", protocol: "rest" })).toBe(executedBefore + 1);

    // The same call again: its read also records it (the prediction held), and the trace still
    // shows the decision, before the upstream request.
    exporter.reset();
    expect((await POST(gatewayRequest(agent.key, { integration: slug, tool: "list_users", arguments: {} }))).status).toBe(200);
    const again = exporter.getFinishedSpans();
    const againRoot = again.find((span) => span.name === "gateway.call")!;
    const againChildren = again.filter((span) => span.parentSpanContext?.spanId === againRoot.spanContext().spanId);
    expect(againChildren.map((span) => span.name)).toEqual(["gateway.key", "gateway.decide", "gateway.upstream", "gateway.record"]);
    expect(againChildren[1]!.attributes["toolgate.decision"]).toBe("execute");
  });

  it("starts a fresh trace without a link when the agent sends no (or a malformed) traceparent", async () => {
    expect(linkFromTraceparent(null)).toBeNull();
    expect(linkFromTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeNull();
    expect(linkFromTraceparent("garbage")).toBeNull();
    expect(linkFromTraceparent(AGENT_TRACEPARENT)?.context).toMatchObject({
      traceId: AGENT_TRACE,
      spanId: "00f067aa0ba902b7",
      isRemote: true,
    });
  });
});
