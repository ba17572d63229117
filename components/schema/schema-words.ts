/** The parts of a tool's input JSON Schema the detail page shows in words. */
export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function describeType(schema: JsonSchema): string {
  const base = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  if (base === "array" && schema.items) return `array of ${describeType(schema.items)}`;
  return schema.format ? `${base} (${schema.format})` : base;
}

export function describeConstraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.enum) out.push(`one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength === 1) out.push("not empty");
  else if (schema.minLength !== undefined) out.push(`at least ${count(schema.minLength, "character")}`);
  if (schema.maxLength !== undefined) out.push(`at most ${count(schema.maxLength, "character")}`);
  if (schema.minItems !== undefined) out.push(`at least ${count(schema.minItems, "item")}`);
  if (schema.maxItems !== undefined) out.push(`at most ${count(schema.maxItems, "item")}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}
