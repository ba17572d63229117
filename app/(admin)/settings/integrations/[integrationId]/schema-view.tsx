type JsonSchema = {
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
  default?: unknown;
};

function typeOf(schema: JsonSchema): string {
  const base = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  if (base === "array" && schema.items) return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${base} (${schema.format})` : base;
}

function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.enum) out.push(`one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** A tool's input JSON Schema as a readable list of arguments, with the raw schema one click away. */
export function SchemaView({ schema }: { schema: Record<string, unknown> }) {
  const root = schema as JsonSchema;
  const properties = Object.entries(root.properties ?? {});
  const required = new Set(root.required ?? []);
  return (
    <div>
      <p className="mb-1 font-medium text-slate-800">Arguments</p>
      {properties.length === 0 ? (
        <p className="text-slate-600">None.</p>
      ) : (
        <dl className="space-y-2">
          {properties.map(([name, property]) => (
            <div key={name}>
              <dt className="flex flex-wrap items-center gap-2">
                <code className="font-semibold text-slate-900">{name}</code>
                <span className="text-xs text-slate-500">{typeOf(property)}</span>
                {required.has(name) ? (
                  <span className="text-xs font-medium text-red-700">required</span>
                ) : (
                  <span className="text-xs text-slate-500">optional</span>
                )}
              </dt>
              {property.description || constraints(property).length ? (
                <dd className="text-slate-600">{[property.description, ...constraints(property)].filter(Boolean).join(" · ")}</dd>
              ) : null}
            </div>
          ))}
        </dl>
      )}
      <details className="mt-2">
        <summary className="cursor-pointer text-xs text-slate-500">Raw JSON Schema</summary>
        <pre className="mt-1 max-h-80 overflow-auto rounded bg-white p-2 text-xs">{JSON.stringify(schema, null, 2)}</pre>
      </details>
    </div>
  );
}
