"use client";

import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

type SaveConfirmation = { show: (text: string) => void; clear: () => void };

const Context = createContext<SaveConfirmation>({ show: () => undefined, clear: () => undefined });

export const useSaveConfirmation = () => useContext(Context);

/**
 * "Saved N changes", where the Save button was (the bar at the bottom), until the next edit. It
 * lives above the editor, which is re-mounted for each new revision, so a save does not erase it.
 */
export function SaveConfirmationProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState<string | null>(null);
  const value = useMemo(() => ({ show: setText, clear: () => setText(null) }), []);
  return (
    <Context.Provider value={value}>
      {children}
      {text ? (
        <div
          className="fixed inset-x-0 bottom-0 z-40 border-t border-emerald-200 bg-emerald-50/95 px-4 py-3 shadow-lg backdrop-blur lg:left-60"
          role="status"
          data-testid="save-confirmation"
        >
          <div className="mx-auto flex max-w-5xl items-center justify-between gap-3">
            <p className="text-sm font-medium text-emerald-900">{text}</p>
            <button type="button" className="text-sm font-medium text-emerald-800 underline" onClick={() => setText(null)}>
              Dismiss
            </button>
          </div>
        </div>
      ) : null}
    </Context.Provider>
  );
}
