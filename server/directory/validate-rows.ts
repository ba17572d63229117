export type DirectoryRow = { line: number; email: string; name: string; managerEmail: string | null; slackUserId: string | null };
export type RowError = { line: number; email: string; message: string };

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]{2,}$/;
export const isEmail = (value: string) => EMAIL.test(value) && value.length <= 320;

/** Reads `email,name,manager_email[,slack_user_id]` records (a header row is recognised and skipped). */
export function rowsFromRecords(records: Array<{ line: number; fields: string[] }>): { rows: DirectoryRow[]; errors: RowError[] } {
  const rows: DirectoryRow[] = [];
  const errors: RowError[] = [];
  for (const record of records) {
    const [email = "", name = "", manager = "", slack = ""] = record.fields.map((field) => field.trim());
    if (rows.length === 0 && errors.length === 0 && email.toLowerCase() === "email") continue;
    if (record.fields.length < 3 || record.fields.length > 4) {
      errors.push({
        line: record.line,
        email,
        message: `expected 3 or 4 columns (email,name,manager_email[,slack_user_id]), found ${record.fields.length}`,
      });
      continue;
    }
    rows.push({
      line: record.line,
      email: email.toLowerCase(),
      name,
      managerEmail: manager ? manager.toLowerCase() : null,
      slackUserId: slack || null,
    });
  }
  return { rows, errors };
}

/**
 * Checks rows against each other and against the people already in the client's directory:
 * malformed or duplicate e-mails, missing names, unknown managers and manager cycles. Rows are
 * reported by line number. `valid` is the largest set of rows that can be imported on its own
 * (a row whose manager is only in an invalid row is not valid either).
 */
export function validateDirectoryRows(
  rows: DirectoryRow[],
  existing: Array<{ email: string; managerEmail: string | null }>,
): { valid: DirectoryRow[]; errors: RowError[] } {
  const errors = new Map<number, RowError>();
  const fail = (row: DirectoryRow, message: string) => {
    if (!errors.has(row.line)) errors.set(row.line, { line: row.line, email: row.email, message });
  };
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    if (!isEmail(row.email)) fail(row, `"${row.email}" is not a valid e-mail address`);
    else if (firstLine.has(row.email)) fail(row, `duplicate e-mail: ${row.email} is also on line ${firstLine.get(row.email)}`);
    else firstLine.set(row.email, row.line);
    if (!row.name) fail(row, "the name is missing");
    if (row.managerEmail !== null && !isEmail(row.managerEmail))
      fail(row, `the manager "${row.managerEmail}" is not a valid e-mail address`);
    else if (row.managerEmail === row.email) fail(row, "a person cannot be their own manager");
  }

  // Managers as they would be after the import: existing people, overlaid by the file's rows.
  const managerOf = new Map(existing.map((person) => [person.email, person.managerEmail]));
  const fileRows = rows.filter((row) => firstLine.get(row.email) === row.line);
  for (const row of fileRows) managerOf.set(row.email, row.managerEmail);

  for (const row of fileRows) {
    if (row.managerEmail && !managerOf.has(row.managerEmail)) {
      fail(row, `unknown manager ${row.managerEmail}: not in this file nor in the client's directory`);
      continue;
    }
    const chain = [row.email];
    for (let current = row.managerEmail; current; current = managerOf.get(current) ?? null) {
      if (current === row.email) {
        fail(row, `manager cycle: ${[...chain, current].join(" → ")}`);
        break;
      }
      if (chain.includes(current) || chain.length > 1_000) break;
      chain.push(current);
    }
  }

  // Rows whose manager exists only in a rejected row cannot be imported alone.
  let valid = rows.filter((row) => !errors.has(row.line));
  for (let changed = true; changed;) {
    changed = false;
    const available = new Set([...existing.map((person) => person.email), ...valid.map((row) => row.email)]);
    const next = valid.filter((row) => !row.managerEmail || available.has(row.managerEmail));
    if (next.length !== valid.length) {
      changed = true;
      valid = next;
    }
  }
  return { valid, errors: [...errors.values()].sort((a, b) => a.line - b.line) };
}
