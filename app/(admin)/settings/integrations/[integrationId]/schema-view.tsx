import { describeConstraints as constraints, describeType as typeOf, type JsonSchema } from "@/components/schema/schema-words";

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
