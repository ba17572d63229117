import type { JobHandlers } from "./worker";

/** Every kind of outbox job and the function that performs it. */
export const jobHandlers: JobHandlers = {};
