import type { DatabaseHandle } from "@/db";
import type { CallLookup, ResolvedCall } from "./resolve-call";

/**
 * The last read of each (key, tool) this process made, with its fingerprint: a *prediction* of the
 * next read, never an authorization. The gateway decides a call on the prediction only to write its
 * `executing` row in the same statement as the fresh read, and that statement inserts the row only
 * when the fresh read's fingerprint equals the prediction's — every column the decision, the record
 * and the upstream call use is the same, so the one decision on fresh state is the one made. Any
 * change (a policy save, a pause, a revocation, a rule, an expiring grant, a new upstream) changes
 * the fingerprint: nothing is inserted, and the call is decided again on the fresh read the same
 * statement returned. So a change still applies to the very next call, on every instance; what the
 * prediction saves is a round trip to the database when nothing changed.
 */
export type Prediction = { fingerprint: string; resolved: ResolvedCall };

/** Enough for every busy (key, tool) pair of an instance; the oldest is forgotten first. */
const MAX_PREDICTIONS = 5_000;

const byHandle = new WeakMap<DatabaseHandle, Map<string, Prediction>>();

const keyOf = (keyHash: string, lookup: CallLookup) =>
  lookup.kind === "rest" ? `r\u0000${keyHash}\u0000${lookup.integration}\u0000${lookup.tool}` : `m\u0000${keyHash}\u0000${lookup.name}`;

export function predictedRead(handle: DatabaseHandle, keyHash: string, lookup: CallLookup): Prediction | null {
  return byHandle.get(handle)?.get(keyOf(keyHash, lookup)) ?? null;
}

/** Keeps a fresh read as the prediction of the next one (the most recent last, so the oldest goes first). */
export function rememberRead(handle: DatabaseHandle, keyHash: string, lookup: CallLookup, prediction: Prediction | null): void {
  let predictions = byHandle.get(handle);
  if (!predictions) byHandle.set(handle, (predictions = new Map()));
  const key = keyOf(keyHash, lookup);
  predictions.delete(key);
  if (!prediction) return;
  predictions.set(key, prediction);
  if (predictions.size > MAX_PREDICTIONS) predictions.delete(predictions.keys().next().value!);
}
