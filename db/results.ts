/**
 * Rows of a raw `db.execute(sql…)` result, whichever driver ran it: postgres.js returns the rows
 * as an array, PGlite an object with `rows`.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/** True when the error (or one of its causes: drizzle wraps driver errors) is a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth++) {
    if (current.code === "23505") return true;
    current = current.cause as typeof current;
  }
  return false;
}
