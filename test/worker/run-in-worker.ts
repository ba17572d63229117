import { Worker } from "node:worker_threads";

/**
 * Runs a scenario module (TypeScript, the app's own modules) in a worker thread and resolves with
 * the first message it posts. A scenario that never answers — its event loop stalled by
 * something synchronous, which a test's own timeout cannot interrupt — is terminated after
 * `timeoutMs`, and the promise rejects with `stalledMessage`: a regression fails the test instead
 * of hanging CI.
 */
export function runInWorkerThread<T>(
  scenario: URL,
  input: Record<string, unknown>,
  options: { timeoutMs: number; stalledMessage: string },
): Promise<T> {
  const worker = new Worker(new URL("./boot.mjs", import.meta.url), {
    workerData: { ...input, scenario: scenario.href },
    env: { ...process.env },
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${options.stalledMessage} (the worker thread gave no answer within ${options.timeoutMs} ms and was terminated)`));
    }, options.timeoutMs);
    const settle = () => clearTimeout(timer);
    worker.once("message", (message: { error?: string; value?: T }) => {
      settle();
      void worker.terminate();
      if (message.error !== undefined) reject(new Error(`the scenario failed in its worker thread: ${message.error}`));
      else resolve(message.value as T);
    });
    worker.once("error", (error) => {
      settle();
      reject(error);
    });
    worker.once("exit", (code) => {
      settle();
      reject(new Error(`the worker thread exited (code ${code}) without an answer`));
    });
  });
}
