/** A problem that stops start-up, carrying one sentence that names the cause for the operator. */
export class StartupError extends Error {
  override readonly name = "StartupError";
}
