import { serveFetch } from "./http-server";

export type SlackCall = { method: string; token: string | null; params: Record<string, string> };
type Responder = (call: SlackCall) => Response | Record<string, unknown> | undefined;

/**
 * A stand-in for Slack's Web API speaking its wire format: POST /api/<method>, form-encoded
 * parameters (objects such as `blocks` as JSON strings), `Authorization: Bearer <token>`; answers
 * `{ ok: true, … }`, `{ ok: false, error }` (HTTP 200) or HTTP 429 with Retry-After.
 */
export async function startSlackStub(options: { token?: string } = {}) {
  const calls: SlackCall[] = [];
  const responders: Responder[] = [];
  let users: Array<{ id: string; email: string }> = [];
  const server = await serveFetch(async (request) => {
    const method = new URL(request.url).pathname.replace(/^\/api\//, "");
    const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
    const contentType = request.headers.get("content-type") ?? "";
    const text = await request.text();
    const params = contentType.includes("application/json")
      ? (JSON.parse(text || "{}") as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(text));
    const call = { method, token, params };
    calls.push(call);
    for (const responder of responders) {
      const answer = responder(call);
      if (answer instanceof Response) return answer;
      if (answer) return Response.json(answer);
    }
    if (options.token && token !== options.token) return Response.json({ ok: false, error: "invalid_auth" });
    switch (method) {
      case "auth.test":
        return Response.json({ ok: true, team: "Test", team_id: "T1", user_id: "UBOT", bot_id: "B1" });
      case "users.lookupByEmail": {
        const user = users.find((candidate) => candidate.email === params.email);
        return Response.json(
          user ? { ok: true, user: { id: user.id, profile: { email: user.email } } } : { ok: false, error: "users_not_found" },
        );
      }
      case "conversations.open":
        return Response.json({ ok: true, channel: { id: `D${params.users}` } });
      case "chat.postMessage":
        return Response.json({ ok: true, channel: params.channel, ts: `${Date.now() / 1000}`, message: { text: params.text } });
      case "chat.update":
        return Response.json({ ok: true, channel: params.channel, ts: params.ts });
      case "conversations.list":
        return Response.json({ ok: true, channels: [{ id: "C1", name: "general" }] });
      case "conversations.info":
        return Response.json({ ok: true, channel: { id: params.channel, name: "general", num_members: 3 } });
      default:
        return Response.json({ ok: true });
    }
  });
  return {
    apiUrl: `${server.url}/api/`,
    calls,
    respond(responder: Responder) {
      responders.unshift(responder);
    },
    clearResponders() {
      responders.length = 0;
    },
    setUsers(next: Array<{ id: string; email: string }>) {
      users = next;
    },
    callsTo(method: string) {
      return calls.filter((call) => call.method === method);
    },
    close: () => server.close(),
  };
}

export type SlackStub = Awaited<ReturnType<typeof startSlackStub>>;
