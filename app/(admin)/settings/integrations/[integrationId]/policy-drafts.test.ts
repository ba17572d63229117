import { describe, expect, it } from "vitest";
import type { PolicyRule } from "@/server/policy/rules";
import { choiceOf, draftReducer, EMPTY_DRAFTS, type DraftState } from "./policy-drafts";

const addToGroup = { id: "tool_a", name: "add_user_to_group", policy: "approval_needed" as const, managerApproval: true, rules: [] };
const reset = { id: "tool_r", name: "reset_password", policy: "approval_needed" as const, managerApproval: false, rules: [] };
const list = { id: "tool_l", name: "list_users", policy: "auto" as const, managerApproval: false, rules: [] };
const tools = [addToGroup, reset, list];

describe("the policy editor's drafts", () => {
  it("keeps a draft only while it differs from what is saved", () => {
    let state = draftReducer(EMPTY_DRAFTS, { type: "policy", tool: reset, policy: "auto" });
    expect(state.drafts.get(reset.id)).toEqual({ policy: "auto", managerApproval: false, rules: [] });
    state = draftReducer(state, { type: "policy", tool: reset, policy: "approval_needed" });
    expect(state.drafts.size).toBe(0);
  });

  it("drops Manager Approval when the policy leaves approval, says so, and forgets it when switched back on", () => {
    let state = draftReducer(EMPTY_DRAFTS, { type: "policy", tool: addToGroup, policy: "auto" });
    expect(choiceOf(state, addToGroup)).toEqual({ policy: "auto", managerApproval: false, rules: [] });
    expect(state.switchedOff.has(addToGroup.id)).toBe(true);
    state = draftReducer(state, { type: "policy", tool: addToGroup, policy: "approval_needed" });
    expect(choiceOf(state, addToGroup)).toEqual({ policy: "approval_needed", managerApproval: false, rules: [] });
    expect(state.switchedOff.has(addToGroup.id)).toBe(false);
    state = draftReducer(state, { type: "manager", tool: addToGroup, managerApproval: true });
    expect(state.drafts.size).toBe(0);
  });

  it("gives an unchanged tool the same choice object every time, so its memoised row does not re-render", () => {
    const state = draftReducer(EMPTY_DRAFTS, { type: "policy", tool: reset, policy: "disabled" });
    expect(choiceOf(state, list)).toBe(choiceOf(EMPTY_DRAFTS, list));
    const next = draftReducer(state, { type: "select", toolId: list.id, selected: true });
    expect(choiceOf(next, reset)).toBe(choiceOf(state, reset));
  });

  it("sets the selected tools in bulk, keeping Manager Approval only for approval, and clears the selection", () => {
    let state: DraftState = draftReducer(EMPTY_DRAFTS, { type: "selectOnly", toolIds: [addToGroup.id, list.id] });
    state = draftReducer(state, { type: "bulk", tools, policy: "approval_needed" });
    expect(state.drafts.get(list.id)).toEqual({ policy: "approval_needed", managerApproval: false, rules: [] });
    expect(state.drafts.has(addToGroup.id)).toBe(false); // already approval + manager: no change
    expect(state.drafts.has(reset.id)).toBe(false); // not selected
    expect(state.selected.size).toBe(0);
  });

  it("copies by tool name the policies both integrations have, and discard forgets every draft", () => {
    let state = draftReducer(EMPTY_DRAFTS, {
      type: "copy",
      tools,
      source: [
        { name: "list_users", policy: "disabled", managerApproval: false, rules: [] },
        { name: "not_here", policy: "auto", managerApproval: false, rules: [] },
      ],
    });
    expect([...state.drafts.keys()]).toEqual([list.id]);
    state = draftReducer(state, { type: "discard" });
    expect(state.drafts.size).toBe(0);
  });
  it("keeps a tool's rules through policy and Manager Approval changes, and drops a rules draft equal to what is saved", () => {
    const rule: PolicyRule = {
      argument: "group",
      operator: "one_of",
      value: ["Marketing"],
      then: { policy: "auto", managerApproval: false },
    };
    let state = draftReducer(EMPTY_DRAFTS, { type: "rules", tool: reset, rules: [rule] });
    state = draftReducer(state, { type: "policy", tool: reset, policy: "disabled" });
    expect(choiceOf(state, reset)).toEqual({ policy: "disabled", managerApproval: false, rules: [rule] });
    state = draftReducer(state, { type: "policy", tool: reset, policy: "approval_needed" });
    state = draftReducer(state, { type: "rules", tool: reset, rules: [] });
    expect(state.drafts.size).toBe(0);
  });
});
