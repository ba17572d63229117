import { parentPort } from "node:worker_threads";

/** Inside a worker-thread scenario: posts what `run` returns (or its error) to the test. */
export async function answerFromWorker<T>(run: () => Promise<T>): Promise<void> {
  try {
    parentPort!.postMessage({ value: await run() });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
