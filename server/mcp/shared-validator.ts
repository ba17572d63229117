import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { AjvJsonSchemaValidator as ModernAjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";

/**
 * One JSON Schema validator for every MCP server instance this process builds. Stateless MCP
 * serving builds a server per request, and the SDK's default builds a fresh Ajv (with formats) for
 * each: measured 3.8 ms of a 4.3 ms request, against 0.5 ms with one shared validator.
 */
export const sharedJsonSchemaValidator = new AjvJsonSchemaValidator();

/** The same for the 2.x SDK's servers (the 2026-07-28 protocol revision). */
export const sharedModernJsonSchemaValidator = new ModernAjvJsonSchemaValidator();
