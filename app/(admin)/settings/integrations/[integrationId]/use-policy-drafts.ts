"use client";

import { useCallback, useReducer, type Dispatch } from "react";
import { draftReducer, EMPTY_DRAFTS, type DraftAction, type DraftState } from "./policy-drafts";
import { useSaveConfirmation } from "./save-confirmation";

/**
 * The editor's drafts, selection, bulk and copy as one reducer. `dispatch` keeps its identity for
 * the editor's whole life (the confirmation's `clear` is stable too), so memoised rows that receive
 * it re-render only when their own tool's props change — not on a keystroke in the search box.
 * Every edit of a choice clears "Saved N changes", as the bar it replaced is about to come back.
 */
export function usePolicyDrafts(): [DraftState, Dispatch<DraftAction>] {
  const [state, rawDispatch] = useReducer(draftReducer, EMPTY_DRAFTS);
  const { clear } = useSaveConfirmation();
  const dispatch = useCallback(
    (action: DraftAction) => {
      if (action.type !== "select" && action.type !== "selectOnly") clear();
      rawDispatch(action);
    },
    [clear],
  );
  return [state, dispatch];
}
