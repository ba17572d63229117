/** Thrown by a job handler to be retried after a delay the remote side asked for (HTTP 429 Retry-After). */
export class RetryLaterError extends Error {
  override readonly name = "RetryLaterError";
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** Thrown by a job handler when retrying cannot help (a refused token, a missing recipient). */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}
