/**
 * Runs once when the server starts: validates the environment, opens and migrates the database,
 * and starts the outbox worker. A bad environment stops the process with one clear sentence.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { boot } = await import("./server/boot");
  await boot();
}
