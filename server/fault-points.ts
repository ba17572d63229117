import { getEnv } from "./env";

/**
 * Crash points for the proof suite's crash tests: with TOOLGATE_FAULT_POINT set to a point's name,
 * the process kills itself (SIGKILL, no cleanup) when it gets there. Without the variable — always
 * in production — this is a no-op.
 */
export type FaultPoint = "before_execution" | "after_upstream_call";

export function faultPoint(name: FaultPoint): void {
  if (getEnv().TOOLGATE_FAULT_POINT === name) process.kill(process.pid, "SIGKILL");
}
