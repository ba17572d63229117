"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/client";
import { Button } from "@/components/ui/button";
import { SelectInput, TextInput } from "@/components/ui/field";

export type AgentLimitsProps = {
  agent: {
    id: string;
    name: string;
    planMode: boolean;
    callsPerMinute: number | null;
    toolLimits: Array<{ toolId: string; toolName: string; integration: string; callsPerHour: number }>;
  };
  tools: Array<{ id: string; name: string; integration: string }>;
  isAdmin: boolean;
  onSaved: () => void;
  onError: (error: { message: string }) => void;
};

/** An empty field clears a limit; anything else is sent as typed, and the server says what is wrong with it. */
const limitOf = (value: FormDataEntryValue | null) => (String(value ?? "").trim() === "" ? null : Number(value));

/** Plan mode and rate limits of one agent (the per-minute limit, and per-tool hourly limits). */
export function AgentLimits({ agent, tools, isAdmin, onSaved, onError }: AgentLimitsProps) {
  const trpc = useTRPC();
  const [adding, setAdding] = useState(false);
  const setPlanMode = useMutation(trpc.agents.setPlanMode.mutationOptions({ onError, onSuccess: onSaved }));
  const setPerMinute = useMutation(trpc.agents.setCallsPerMinute.mutationOptions({ onError, onSuccess: onSaved }));
  const setToolLimit = useMutation(
    trpc.agents.setToolLimit.mutationOptions({
      onError,
      onSuccess: () => {
        setAdding(false);
        onSaved();
      },
    }),
  );

  function onPerMinute(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPerMinute.mutate({ agentId: agent.id, callsPerMinute: limitOf(new FormData(event.currentTarget).get("callsPerMinute")) });
  }
  function onToolLimit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setToolLimit.mutate({ agentId: agent.id, toolId: String(form.get("toolId") ?? ""), callsPerHour: limitOf(form.get("callsPerHour")) });
  }

  return (
    <div className="mt-3 space-y-2 border-t border-slate-100 pt-3 text-sm" aria-label={`Plan mode and limits of ${agent.name}`}>
      <label className="flex min-h-10 items-center gap-2">
        <input
          type="checkbox"
          className="h-5 w-5"
          checked={agent.planMode}
          disabled={!isAdmin || setPlanMode.isPending}
          onChange={(event) => setPlanMode.mutate({ agentId: agent.id, planMode: event.target.checked })}
        />
        Plan mode: only tools that run at once and are classified read-only (others are refused with 403 plan_mode; calls waiting for
        approval are cancelled)
      </label>
      <form className="flex flex-wrap items-center gap-2" onSubmit={onPerMinute}>
        <label htmlFor={`per-minute-${agent.id}`}>At most</label>
        <TextInput
          id={`per-minute-${agent.id}`}
          name="callsPerMinute"
          type="number"
          min={1}
          step={1}
          className="w-28"
          placeholder="no limit"
          defaultValue={agent.callsPerMinute ?? ""}
          disabled={!isAdmin}
        />
        <span>calls a minute</span>
        {isAdmin ? (
          <Button size="sm" variant="secondary" type="submit" disabled={setPerMinute.isPending}>
            Save limit
          </Button>
        ) : null}
      </form>
      {agent.toolLimits.length ? (
        <ul className="space-y-1">
          {agent.toolLimits.map((limit) => (
            <li key={limit.toolId} className="flex flex-wrap items-center gap-2">
              <span>
                <code>
                  {limit.integration} / {limit.toolName}
                </code>
                : at most {limit.callsPerHour} an hour
              </span>
              {isAdmin ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setToolLimit.mutate({ agentId: agent.id, toolId: limit.toolId, callsPerHour: null })}
                >
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {isAdmin && !adding ? (
        <Button size="sm" variant="ghost" onClick={() => setAdding(true)} disabled={tools.length === 0}>
          Limit a tool…
        </Button>
      ) : null}
      {isAdmin && adding ? (
        <form className="flex flex-wrap items-center gap-2" onSubmit={onToolLimit}>
          <label htmlFor={`tool-${agent.id}`}>Tool</label>
          <SelectInput id={`tool-${agent.id}`} name="toolId" required className="max-w-xs">
            {tools.map((tool) => (
              <option key={tool.id} value={tool.id}>
                {tool.integration} / {tool.name}
              </option>
            ))}
          </SelectInput>
          <label htmlFor={`per-hour-${agent.id}`}>at most</label>
          <TextInput id={`per-hour-${agent.id}`} name="callsPerHour" type="number" min={1} step={1} required className="w-28" />
          <span>calls an hour</span>
          <Button size="sm" type="submit" disabled={setToolLimit.isPending}>
            Add limit
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setAdding(false)}>
            Cancel
          </Button>
        </form>
      ) : null}
    </div>
  );
}
