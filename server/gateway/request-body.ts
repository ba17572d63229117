import { ServiceError } from "../errors";
import { assertStorable, MAX_DEPTH } from "./storable";

export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a JSON request body once, with limits, and says in words what is wrong: a wrong content
 * type (415), more than 256 KiB (413), invalid UTF-8, malformed JSON, nesting deeper than 64, or
 * strings PostgreSQL cannot store (NUL, lone surrogates) (400). The parsed value is the only copy:
 * the gateway decides and executes on this same object.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw new ServiceError(
      "unsupported_media_type",
      `Send the body as JSON with "Content-Type: application/json"${type ? ` (got "${type.slice(0, 100)}")` : ""}.`,
    );
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new ServiceError("payload_too_large", `The body is ${declared} bytes; the limit is ${maxBytes} bytes (256 KiB).`);
  const bytes = await readCapped(request, maxBytes);
  if (bytes.length === 0) throw new ServiceError("invalid_json", "The body is empty: send a JSON object.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ServiceError("invalid_json", "The body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) throw new ServiceError("invalid_json", `The JSON is nested deeper than ${MAX_DEPTH} levels.`);
    throw new ServiceError("invalid_json", `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}.`);
  }
  assertStorable(value);
  return value;
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new ServiceError("payload_too_large", `The body is over the ${maxBytes}-byte (256 KiB) limit.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
