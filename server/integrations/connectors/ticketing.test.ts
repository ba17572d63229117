import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveFetch, type RunningServer } from "@/test/http-server";
import { postTicketNote, testTicketing, ticketRequesterEmail, type TicketingTarget } from "./ticketing";

type Seen = { method: string; path: string; headers: Record<string, string>; body: unknown };
let stub: RunningServer;
const seen: Seen[] = [];

beforeAll(async () => {
  // ConnectWise Manage's REST API as far as Toolgate uses it, and Jira Cloud's.
  stub = await serveFetch(async (request) => {
    const url = new URL(request.url);
    const body = request.method === "POST" ? await request.json() : null;
    seen.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers.entries()), body });
    if (url.pathname === "/v4_6_release/apis/3.0/system/info") return Response.json({ version: "v2026.1" });
    if (url.pathname === "/v4_6_release/apis/3.0/service/tickets/4242")
      return Response.json({ id: 4242, contactEmailAddress: "Tom.Becker@Contoso-Dental.test" });
    if (url.pathname === "/v4_6_release/apis/3.0/service/tickets/4242/notes") return Response.json({ id: 77 }, { status: 201 });
    if (url.pathname === "/rest/api/3/myself") return new Response("<html>login</html>", { headers: { "content-type": "text/html" } });
    return Response.json({ code: "NotFound" }, { status: 404 });
  });
});
afterAll(() => stub.close());

const connectwise: () => TicketingTarget = () => ({
  kind: "connectwise",
  config: { siteUrl: stub.url, companyId: "northwind", clientId: "client-uuid" },
  secrets: { publicKey: "pub", privateKey: "priv" },
});

describe("ticketing connectors", () => {
  it("speak ConnectWise's API: company+public:private basic auth with the clientId header, contact lookup, internal analysis note", async () => {
    await testTicketing(connectwise());
    expect(await ticketRequesterEmail(connectwise(), "4242")).toBe("tom.becker@contoso-dental.test");
    expect(await postTicketNote(connectwise(), "4242", { text: "Toolgate: approval needed", adf: {} })).toBe("77");
    const note = seen.find((request) => request.path.endsWith("/notes"))!;
    expect(note.headers.authorization).toBe(`Basic ${Buffer.from("northwind+pub:priv").toString("base64")}`);
    expect(note.headers.clientid).toBe("client-uuid");
    expect(note.body).toEqual({
      text: "Toolgate: approval needed",
      detailDescriptionFlag: false,
      internalAnalysisFlag: true,
      resolutionFlag: false,
    });
  });

  it("say clearly what is wrong: an unknown ticket, a non-numeric ConnectWise id, a site that answers HTML", async () => {
    await expect(ticketRequesterEmail(connectwise(), "9999")).rejects.toThrow(/no such ticket \(HTTP 404\)/);
    await expect(ticketRequesterEmail(connectwise(), "HELP-1")).rejects.toThrow(/ConnectWise ticket id is a number/);
    await expect(
      testTicketing({ kind: "jira", config: { siteUrl: stub.url, accountEmail: "bot@msp.test" }, secrets: { apiToken: "t" } }),
    ).rejects.toThrow(/answered text\/html, not JSON: check the site URL/);
  });
});
