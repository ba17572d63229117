/**
 * A small RFC 4180 reader: commas, double-quoted fields with "" escapes and embedded newlines,
 * CRLF or LF line ends. Returns each record with the line it starts on (1-based).
 */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  const input = text.replace(/^\uFEFF/, "");
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let sawAnything = false;
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === "\n") line++;
        field += char;
      }
      continue;
    }
    if (char === '"' && field === "") {
      quoted = true;
      sawAnything = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
      sawAnything = true;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      if (sawAnything || field !== "") records.push({ line: recordLine, fields: [...fields, field] });
      fields = [];
      field = "";
      sawAnything = false;
      line++;
      recordLine = line;
    } else {
      field += char;
      sawAnything = true;
    }
  }
  if (sawAnything || field !== "") records.push({ line: recordLine, fields: [...fields, field] });
  return records;
}
