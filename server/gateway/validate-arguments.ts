import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export type ArgumentError = { path: string; message: string };

function makeAjv<T extends Ajv>(AjvClass: new (options: object) => T): T {
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

const draft07 = makeAjv(Ajv);
const draft2020 = makeAjv(Ajv2020 as unknown as new (options: object) => Ajv);

/** Compiled validators by tool definition hash: a changed definition compiles afresh. */
const compiled = new Map<string, ValidateFunction | Error>();
const MAX_CACHED = 5_000;

function validatorFor(definitionHash: string, schema: Record<string, unknown>): ValidateFunction | Error {
  let validator = compiled.get(definitionHash);
  if (!validator) {
    try {
      const ajv = typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? draft2020 : draft07;
      const { $id: _id, ...withoutId } = schema;
      validator = ajv.compile(withoutId);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(definitionHash, validator);
  }
  return validator;
}

/**
 * Checks arguments against the tool's input JSON Schema. Returns the errors (empty when valid).
 * A schema that cannot be compiled cannot be evaluated, so the call is refused with that reason.
 */
export function validateArguments(definitionHash: string, schema: Record<string, unknown>, args: Record<string, unknown>): ArgumentError[] {
  const validator = validatorFor(definitionHash, schema);
  if (validator instanceof Error)
    return [
      {
        path: "",
        message: `the tool's input schema cannot be evaluated (${validator.message.slice(0, 200)}), so no call can be checked against it`,
      },
    ];
  if (validator(args)) return [];
  return (validator.errors ?? []).slice(0, 20).map((error) => ({
    path: error.instancePath || "/",
    message:
      error.keyword === "additionalProperties"
        ? `unknown argument "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : (error.message ?? "is invalid"),
  }));
}
