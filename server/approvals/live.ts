import { and, count, eq } from "drizzle-orm";
import { approvalRequests } from "@/db/schema";
import type { UserContext } from "../context";
import { subscribeEvents } from "../events/bus";

/** Requests waiting for a decision in the user's workspace (the badge on "Approvals"). */
export async function countPendingApprovals({ db, user }: UserContext): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(approvalRequests)
    .where(and(eq(approvalRequests.workspaceId, user.workspaceId), eq(approvalRequests.status, "pending")));
  return Number(row?.n ?? 0);
}

const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events for the Approvals inbox: one `approvals` event each time a call of the user's
 * workspace changes state (never another workspace's), as the event bus hears it at commit. An
 * event only says "look again": it carries the call's id and status, never its content. A comment
 * line every 20 s keeps proxies from closing the idle stream. Stops on abort or when the client goes.
 */
export async function approvalEventStream(workspaceId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const off = await subscribeEvents((event) => {
        if (event.type !== "call" || event.workspaceId !== workspaceId) return;
        send(`event: approvals\ndata: ${JSON.stringify({ callId: event.callId, status: event.status })}\n\n`);
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      stop = () => {
        off();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", () => stop(), { once: true });
      // Tells the client the subscription is in place (tests and the UI wait for it).
      send("event: ready\ndata: {}\n\n");
    },
    cancel() {
      stop();
    },
  });
}
