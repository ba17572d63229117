import { sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { getDatabaseHandle } from "@/server/database";

export const EVENTS_CHANNEL = "toolgate_events";

/** Change events, sent with NOTIFY (delivered at commit, so never for a rolled-back change). */
export type ChangeEvent =
  | { type: "toolset"; workspaceId: string; version: number }
  | { type: "call"; workspaceId: string; callId: string; status: string }
  | { type: "jobs" };

/** Publishes inside the caller's transaction: listeners hear of it only if the change commits. */
export async function publishEvent(db: Executor, event: ChangeEvent): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`);
}

type Listener = (event: ChangeEvent) => void;

/**
 * One LISTEN per process, fanned out in memory (on globalThis: Next.js may load this module
 * twice). postgres.js re-establishes the LISTEN after a reconnect by itself.
 */
const slot = globalThis as unknown as { __toolgateBus?: { listeners: Set<Listener>; ready: Promise<void> | null } };

function bus() {
  slot.__toolgateBus ??= { listeners: new Set(), ready: null };
  return slot.__toolgateBus;
}

function ensureListening(): Promise<void> {
  const state = bus();
  state.ready ??= getDatabaseHandle()
    .then((handle) =>
      handle.listen(EVENTS_CHANNEL, (payload) => {
        let event: ChangeEvent;
        try {
          event = JSON.parse(payload) as ChangeEvent;
        } catch {
          return;
        }
        for (const listener of state.listeners) listener(event);
      }),
    )
    .then(() => undefined)
    .catch((error: unknown) => {
      state.ready = null;
      throw error;
    });
  return state.ready;
}

/** Subscribes to change events; resolves once the LISTEN is in place. */
export async function subscribeEvents(listener: Listener): Promise<() => void> {
  const state = bus();
  state.listeners.add(listener);
  try {
    await ensureListening();
  } catch (error) {
    state.listeners.delete(listener);
    throw error;
  }
  return () => state.listeners.delete(listener);
}

/** Forgets the process's LISTEN (tests swap databases between files). */
export function resetEventBus(): void {
  slot.__toolgateBus = undefined;
}

export type EventWatch = {
  /** Resolves true once a matching event has arrived since the last call, false on timeout or abort. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
};

/**
 * Subscribe first, then read the database, then wait: an event that lands between the read and the
 * wait is not lost. Callers re-read after each wake-up: an event only says "look again".
 */
export async function watchEvents(predicate: (event: ChangeEvent) => boolean): Promise<EventWatch> {
  let seen = false;
  let wake: ((value: boolean) => void) | null = null;
  const off = await subscribeEvents((event) => {
    if (!predicate(event)) return;
    seen = true;
    wake?.(true);
  });
  return {
    async next(timeoutMs, signal) {
      if (seen) {
        seen = false;
        return true;
      }
      if (signal?.aborted) return false;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => wake?.(false);
      try {
        return await new Promise<boolean>((resolve) => {
          wake = resolve;
          timer = setTimeout(() => resolve(false), timeoutMs);
          signal?.addEventListener("abort", onAbort, { once: true });
        });
      } finally {
        wake = null;
        seen = false;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
    },
    close: off,
  };
}
