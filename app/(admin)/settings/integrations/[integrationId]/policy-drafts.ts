import type { ToolPolicy } from "@/db/schema";
import type { RouterOutputs } from "@/components/trpc/types";
import type { PolicyRule } from "@/server/policy/rules";

export type ToolPolicyRow = RouterOutputs["policies"]["tools"][number];
export type Choice = { policy: ToolPolicy; managerApproval: boolean; rules: readonly PolicyRule[] };

/**
 * The editor's unsaved state: a draft per changed tool (absent when it equals what is saved), the
 * tools whose Manager Approval a policy change switched off (the row says so), and the selection
 * the bulk bar acts on. Pure, so it is tested without a browser (policy-drafts.test.ts).
 */
export type DraftState = {
  drafts: ReadonlyMap<string, Choice>;
  switchedOff: ReadonlySet<string>;
  selected: ReadonlySet<string>;
};

type SavedTool = Pick<ToolPolicyRow, "id" | "name" | "policy" | "managerApproval" | "rules">;

export type DraftAction =
  | { type: "policy"; tool: SavedTool; policy: ToolPolicy }
  | { type: "manager"; tool: SavedTool; managerApproval: boolean }
  | { type: "rules"; tool: SavedTool; rules: readonly PolicyRule[] }
  | { type: "select"; toolId: string; selected: boolean }
  | { type: "selectOnly"; toolIds: readonly string[] }
  | { type: "bulk"; tools: readonly SavedTool[]; policy: ToolPolicy }
  | { type: "copy"; tools: readonly SavedTool[]; source: ReadonlyArray<{ name: string } & Choice> }
  | { type: "discard" };

export const EMPTY_DRAFTS: DraftState = { drafts: new Map(), switchedOff: new Set(), selected: new Set() };

const savedChoice = (tool: SavedTool): Choice => ({ policy: tool.policy, managerApproval: tool.managerApproval, rules: tool.rules });
// Rules are plain JSON: equal when their JSON is.
const sameChoice = (a: Choice, b: Choice) =>
  a.policy === b.policy && a.managerApproval === b.managerApproval && JSON.stringify(a.rules) === JSON.stringify(b.rules);

/**
 * The choice shown for a tool: its draft, else what is saved — the tool row itself, so an unchanged
 * tool's choice keeps its identity from render to render (the memoised row relies on it).
 */
export const choiceOf = (state: DraftState, tool: SavedTool): Choice => state.drafts.get(tool.id) ?? tool;

/** Manager Approval only means something with technician approval; any other policy drops it. */
const withPolicy = (before: Choice, policy: ToolPolicy): Choice => ({
  rules: before.rules,
  policy,
  managerApproval: policy === "approval_needed" ? before.managerApproval : false,
});

function setChoice(drafts: Map<string, Choice>, tool: SavedTool, next: Choice) {
  if (sameChoice(next, savedChoice(tool))) drafts.delete(tool.id);
  else drafts.set(tool.id, next);
}

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  switch (action.type) {
    case "policy": {
      const before = choiceOf(state, action.tool);
      const next = withPolicy(before, action.policy);
      const drafts = new Map(state.drafts);
      setChoice(drafts, action.tool, next);
      const switchedOff = new Set(state.switchedOff);
      if (before.managerApproval && !next.managerApproval) switchedOff.add(action.tool.id);
      else switchedOff.delete(action.tool.id);
      return { ...state, drafts, switchedOff };
    }
    case "manager": {
      const drafts = new Map(state.drafts);
      const { policy, rules } = choiceOf(state, action.tool);
      setChoice(drafts, action.tool, { policy, managerApproval: action.managerApproval, rules });
      return { ...state, drafts };
    }
    case "rules": {
      const drafts = new Map(state.drafts);
      const { policy, managerApproval } = choiceOf(state, action.tool);
      setChoice(drafts, action.tool, { policy, managerApproval, rules: action.rules });
      return { ...state, drafts };
    }
    case "select": {
      const selected = new Set(state.selected);
      if (action.selected) selected.add(action.toolId);
      else selected.delete(action.toolId);
      return { ...state, selected };
    }
    case "selectOnly":
      return { ...state, selected: new Set(action.toolIds) };
    case "bulk": {
      const drafts = new Map(state.drafts);
      for (const tool of action.tools) {
        if (state.selected.has(tool.id)) setChoice(drafts, tool, withPolicy(choiceOf(state, tool), action.policy));
      }
      return { ...state, drafts, selected: new Set() };
    }
    case "copy": {
      const byName = new Map(action.source.map((row) => [row.name, row]));
      const drafts = new Map(state.drafts);
      for (const tool of action.tools) {
        const match = byName.get(tool.name);
        // Rules name arguments by path: they copy between tools of the same name.
        if (match) setChoice(drafts, tool, { policy: match.policy, managerApproval: match.managerApproval, rules: match.rules });
      }
      return { ...state, drafts };
    }
    case "discard":
      return { ...state, drafts: new Map(), switchedOff: new Set() };
  }
}
