import { z } from "zod";
import { CALL_STATUSES } from "@/db/schema";
import type { CallFilters } from "./list-calls";

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((value) => value || undefined);
const optionalDate = z
  .string()
  .optional()
  .transform((value, context) => {
    if (!value) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      context.addIssue({ code: "custom", message: `"${value}" is not a date` });
      return z.NEVER;
    }
    return date;
  });

/** Activity filters as they arrive in a URL (the page's form and the CSV export share them). */
export const callFiltersSchema = z.object({
  client: optionalText,
  agent: optionalText,
  tool: optionalText,
  integration: optionalText,
  /** Comma-separated exact tool names. */
  tools: z
    .string()
    .max(10_000)
    .optional()
    .transform((value) => {
      const names = (value ?? "")
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean);
      return names.length ? names.slice(0, 100) : undefined;
    }),
  q: optionalText,
  status: z
    .enum(CALL_STATUSES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  from: optionalDate,
  to: optionalDate,
  before: optionalText,
});

export function filtersFromSearchParams(params: Record<string, string | undefined>): CallFilters {
  const parsed = callFiltersSchema.safeParse(params);
  // A malformed filter is dropped rather than failing the whole page.
  const value: Partial<z.infer<typeof callFiltersSchema>> = parsed.success ? parsed.data : {};
  return {
    clientId: value.client,
    agentId: value.agent,
    tool: value.tool,
    integrationId: value.integration,
    tools: value.tools,
    q: value.q,
    status: value.status,
    from: value.from,
    to: value.to,
    before: value.before,
  };
}
