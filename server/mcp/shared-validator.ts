import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

/**
 * One JSON Schema validator for every MCP server instance this process builds. Stateless MCP
 * serving builds a server per request, and the SDK's default builds a fresh Ajv (with formats) for
 * each: measured 3.8 ms of a 4.3 ms request, against 0.5 ms with one shared validator.
 */
export const sharedJsonSchemaValidator = new AjvJsonSchemaValidator();
