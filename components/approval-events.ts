"use client";

import { useEffect, useRef } from "react";

type Listener = () => void;

/** One EventSource per tab, shared by every component that listens; closed when none does. */
const listeners = new Set<Listener>();
let source: EventSource | null = null;

function open() {
  source = new EventSource("/api/events/approvals");
  const notify = () => {
    for (const listener of listeners) listener();
  };
  source.addEventListener("approvals", notify);
  // `ready` comes once the server listens (and again after each reconnect): anything that changed
  // between the page's render and that moment was not streamed, so look again then too.
  source.addEventListener("ready", notify);
}

/**
 * Calls `onChange` whenever a call of the workspace changes state (server-sent events from
 * /api/events/approvals). The browser's EventSource reconnects by itself after a drop.
 */
export function useApprovalEvents(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    const listener = () => latest.current();
    listeners.add(listener);
    if (!source) open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        source?.close();
        source = null;
      }
    };
  }, []);
}
