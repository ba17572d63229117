// Entry point of a test's worker thread: TypeScript (with the @/ alias) through tsx, then the
// scenario module named in workerData. Node 20 resolves a worker's entry before --import hooks run,
// so the hooks are registered here instead.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.scenario);
