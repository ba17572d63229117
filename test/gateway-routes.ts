import { POST as callRoute } from "@/app/api/gateway/route";
import { GET as toolsRoute } from "@/app/api/gateway/tools/route";
import { GET as callStatusRoute } from "@/app/api/gateway/calls/[callId]/route";
import { POST as cancelRoute } from "@/app/api/gateway/calls/[callId]/cancel/route";
import { checkedAgainstDocument } from "./openapi-contract";

/*
 * The agent API's route handlers as the gateway tests call them: each real response is checked
 * against the served OpenAPI document (test/openapi-contract.ts) before the test reads it.
 */
export const POST = checkedAgainstDocument(callRoute);
export const getTools = checkedAgainstDocument(toolsRoute);
export const getCall = checkedAgainstDocument(callStatusRoute);
export const cancel = checkedAgainstDocument(cancelRoute);
