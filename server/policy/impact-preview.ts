import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { toolCalls, tools, type CallStatus, type ToolPolicy } from "@/db/schema";
import type { UserContext } from "../context";
import { loadIntegration } from "../integrations/load";
import { classifiedReadOnly } from "./classify";
import { decide, type DecisionInput } from "./decide";
import { rulesFromStorage, type PolicyRule } from "./rules";

/** What a call came to, as far as a policy decides it. */
export const IMPACT_OUTCOMES = ["auto", "approval", "refused"] as const;
export type ImpactOutcome = (typeof IMPACT_OUTCOMES)[number];
export type ImpactCounts = Record<ImpactOutcome, number>;

/** A draft's choice for one tool, as the editor holds it; rules left out keep the saved ones. */
export type ToolDraft = { policy: ToolPolicy; managerApproval: boolean; rules?: readonly PolicyRule[] };
/** The draft by tool id; tools it does not name keep what is saved. */
export type PolicyDraft = ReadonlyMap<string, ToolDraft>;

export type ImpactWindow = {
  /** How far back: the calls created in the last `days` days. */
  days: number;
  /** At most this many of the most recent calls are evaluated (default 20,000). */
  limit?: number;
  now?: Date;
  /** Rows read per query (default 2,000). */
  batch?: number;
};

export type ImpactPreview = {
  days: number;
  since: Date;
  /** Calls evaluated (the most recent of the window). */
  evaluated: number;
  /** True when the window held more calls than `limit`: only the most recent were evaluated. */
  sampled: boolean;
  limit: number;
  /** What the draft would have done to the evaluated calls. */
  draft: ImpactCounts;
  /** What actually happened to them. */
  actual: ImpactCounts;
  /**
   * Calls refused for a reason no policy decides (a pause, a key, a rate limit, bad arguments, an
   * unknown tool, no manager known…): counted refused in both columns, since a policy change would
   * not have let them through.
   */
  refusedOtherwise: number;
  /** Calls the draft would have treated differently from what happened, by tool (most first). */
  changed: number;
  changedByTool: Array<{ toolName: string; calls: number }>;
};

export const IMPACT_DEFAULT_LIMIT = 20_000;
const DEFAULT_BATCH = 2_000;

/** Refusals that came from the policy itself: the only refusals a draft can undo. */
const POLICY_REFUSALS = new Set(["tool_disabled"]);
/** Statuses only a call that went to approval can reach. */
const APPROVAL_STATUSES = new Set<CallStatus>(["pending_approval", "approved", "denied", "expired", "cancelled"]);

type StoredTool = {
  policy: ToolPolicy;
  managerApproval: boolean;
  flagged: boolean;
  removed: boolean;
  definitionHash: string;
  readOnly: boolean;
  rules: readonly PolicyRule[];
  technicianApprovals: number;
};
type StoredCall = { toolId: string | null; arguments: Record<string, unknown>; requesterEmail: string | null };

/**
 * The tool as the draft would leave it: the stored row with the draft's entry laid over it. The
 * one place the preview builds `DecisionInput.tool` — a field the draft gains (argument rules) is
 * carried by the spread; only the stored side needs it selected.
 */
export function draftedTool(stored: StoredTool, draft: ToolDraft | undefined): NonNullable<DecisionInput["tool"]> {
  return { ...stored, ...draft };
}

/**
 * The decision's input for re-deciding a stored call under a draft. Only the policy part may
 * differ from what happened: the workspace, agent and key are taken as not stopped, the
 * integration as active and in scope, no plan mode and no rate limit — their state when each call
 * was made is not stored, and guessing it from today's switches would blame the draft for a pause.
 * Calls those stops refused at the time are kept as refused (`refusedOtherwise`). The tool's
 * flagged and removed state are today's: what the draft would do if saved now. The stored
 * arguments (a purged call's are `{}`) and requester ride along for the rules' rung.
 */
function previewInput(tool: NonNullable<DecisionInput["tool"]>, call: StoredCall): DecisionInput {
  return {
    workspace: { agentsPaused: false },
    agent: { paused: false },
    key: { retired: false, revoked: false },
    integration: { status: "active", inAgentScope: true },
    tool,
    planMode: null,
    limits: null,
    arguments: call.arguments,
  };
}

function outcomeOf(decision: ReturnType<typeof decide>): ImpactOutcome {
  switch (decision.kind) {
    case "execute":
      return "auto";
    case "await_approval":
      return "approval";
    case "reject":
      return "refused";
  }
}

/** What happened to a stored call, in the preview's three outcomes. */
function actualOutcome(row: { status: CallStatus; expiresAt: Date | null }): ImpactOutcome {
  if (row.status === "rejected") return "refused";
  if (APPROVAL_STATUSES.has(row.status) || row.expiresAt) return "approval";
  return "auto";
}

const zero = (): ImpactCounts => ({ auto: 0, approval: 0, refused: 0 });

/**
 * What a draft of one integration's policies would have done to its calls of the last `days`
 * days, next to what happened: the same pure `decide()` the gateway uses, over the most recent
 * stored calls (at most `limit`, newest first), read in keyset batches so memory stays flat.
 * Read-only; the caller has checked that the integration is in `workspaceId`, and every query is
 * scoped to it as well.
 */
export async function previewPolicyImpact(
  db: Executor,
  workspaceId: string,
  integrationId: string,
  draft: PolicyDraft,
  window: ImpactWindow,
): Promise<ImpactPreview> {
  const limit = window.limit ?? IMPACT_DEFAULT_LIMIT;
  const batch = window.batch ?? DEFAULT_BATCH;
  const now = window.now ?? new Date();
  const since = new Date(now.getTime() - window.days * 86_400_000);

  const toolRows = await db
    .select({
      id: tools.id,
      policy: tools.policy,
      managerApproval: tools.managerApproval,
      flaggedAt: tools.flaggedAt,
      removedAt: tools.removedAt,
      definitionHash: tools.definitionHash,
      seededPolicy: tools.seededPolicy,
      rules: tools.rules,
      technicianApprovals: tools.technicianApprovals,
    })
    .from(tools)
    .where(and(eq(tools.workspaceId, workspaceId), eq(tools.integrationId, integrationId)));
  const drafted = new Map(
    toolRows.map((row) => [
      row.id,
      draftedTool(
        {
          policy: row.policy,
          managerApproval: row.managerApproval,
          flagged: row.flaggedAt !== null,
          removed: row.removedAt !== null,
          definitionHash: row.definitionHash,
          readOnly: classifiedReadOnly(row.seededPolicy),
          rules: rulesFromStorage(row.rules),
          technicianApprovals: row.technicianApprovals,
        },
        draft.get(row.id),
      ),
    ]),
  );

  const result: ImpactPreview = {
    days: window.days,
    since,
    evaluated: 0,
    sampled: false,
    limit,
    draft: zero(),
    actual: zero(),
    refusedOtherwise: 0,
    changed: 0,
    changedByTool: [],
  };
  const changedByTool = new Map<string, number>();
  const inWindow = and(
    eq(toolCalls.workspaceId, workspaceId),
    eq(toolCalls.integrationId, integrationId),
    gte(toolCalls.createdAt, since),
    lt(toolCalls.createdAt, now),
  );
  // Keyset cursor: the last row's created_at as text keeps its microseconds (a Date would not).
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const wanted = Math.min(batch, limit - result.evaluated);
    const final = result.evaluated + wanted >= limit;
    const rows = await db
      .select({
        id: toolCalls.id,
        createdAt: sql<string>`${toolCalls.createdAt}::text`,
        toolId: toolCalls.toolId,
        toolName: toolCalls.toolName,
        status: toolCalls.status,
        errorCode: toolCalls.errorCode,
        expiresAt: toolCalls.expiresAt,
        arguments: toolCalls.arguments,
        requesterEmail: toolCalls.requesterEmail,
      })
      .from(toolCalls)
      .where(
        after ? and(inWindow, sql`(${toolCalls.createdAt}, ${toolCalls.id}) < (${after.createdAt}::timestamptz, ${after.id})`) : inWindow,
      )
      .orderBy(desc(toolCalls.createdAt), desc(toolCalls.id))
      // On the last batch the limit allows, one row more says whether the window was sampled.
      .limit(final ? wanted + 1 : wanted);
    for (const row of rows.slice(0, wanted)) {
      const actual = actualOutcome(row);
      const tool = row.toolId ? drafted.get(row.toolId) : undefined;
      const otherwise = !tool || (actual === "refused" && !POLICY_REFUSALS.has(row.errorCode ?? ""));
      const would = otherwise ? "refused" : outcomeOf(decide(previewInput(tool, row)));
      if (otherwise) result.refusedOtherwise++;
      result.actual[actual]++;
      result.draft[would]++;
      if (would !== actual) {
        result.changed++;
        changedByTool.set(row.toolName, (changedByTool.get(row.toolName) ?? 0) + 1);
      }
    }
    result.evaluated += Math.min(rows.length, wanted);
    if (final) {
      result.sampled = rows.length > wanted;
      break;
    }
    if (rows.length < wanted) break;
    const last: { createdAt: string; id: string } = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
  result.changedByTool = [...changedByTool]
    .map(([toolName, calls]) => ({ toolName, calls }))
    .sort((a, b) => b.calls - a.calls || a.toolName.localeCompare(b.toolName));
  return result;
}

/**
 * The detail page's preview: the signed-in user's draft of one integration in their workspace
 * (another workspace's integration is not found). Tool ids the integration does not have are
 * ignored, as the preview only reads its own tools.
 */
export async function previewDraftImpact(
  ctx: UserContext,
  input: { integrationId: string; changes: ReadonlyArray<{ toolId: string } & ToolDraft>; days: number },
): Promise<ImpactPreview> {
  const integration = await loadIntegration(ctx.db, ctx.user.workspaceId, input.integrationId);
  const draft = new Map(
    input.changes.map(({ toolId, policy, managerApproval, rules }) => [toolId, { policy, managerApproval, ...(rules ? { rules } : {}) }]),
  );
  return previewPolicyImpact(ctx.db, ctx.user.workspaceId, integration.id, draft, { days: input.days });
}
