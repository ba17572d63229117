"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CALL_OUTCOMES, OUTCOME_LABELS, type CallOutcome } from "@/server/overview/outcomes";

export const OUTCOME_COLORS: Record<CallOutcome, string> = {
  auto: "#16a34a",
  approved: "#1d5fd1",
  denied: "#dc2626",
  expired: "#94a3b8",
  refused: "#f59e0b",
  failed: "#7c3aed",
};

type DayRow = { day: string } & Record<CallOutcome, number>;

/** "2026-11-30" → "30 Nov" (the day as the workspace counts it; no time zone conversion here). */
function shortDay(day: string): string {
  const [, month, date] = day.split("-");
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${Number(date)} ${months[Number(month) - 1] ?? ""}`;
}

/** Stacked bars: calls per day by outcome. */
export function CallsPerDayChart({ days }: { days: DayRow[] }) {
  return (
    <div className="h-64 w-full" data-testid="calls-per-day-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip labelFormatter={(day) => shortDay(String(day))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {CALL_OUTCOMES.map((outcome) => (
            <Bar
              key={outcome}
              dataKey={outcome}
              name={OUTCOME_LABELS[outcome]}
              stackId="calls"
              fill={OUTCOME_COLORS[outcome]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** p50 and p90 of the time approvers took, per day: in seconds while they are short, else in minutes. */
export function ApprovalWaitChart({ waits }: { waits: Array<{ day: string; p50Seconds: number | null; p90Seconds: number | null }> }) {
  const longest = Math.max(0, ...waits.map((wait) => wait.p90Seconds ?? 0));
  const [divisor, unit] = longest < 120 ? [1, "s"] : [60, "min"];
  const scale = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / divisor) * 10) / 10);
  const data = waits.map((wait) => ({ day: wait.day, p50: scale(wait.p50Seconds), p90: scale(wait.p90Seconds) }));
  return (
    <div className="h-56 w-full" data-testid="approval-wait-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis tick={{ fontSize: 12 }} unit={` ${unit}`} />
          <Tooltip labelFormatter={(day) => shortDay(String(day))} formatter={(value) => `${String(value)} ${unit}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="p50" name="Median (p50)" stroke="#1d5fd1" strokeWidth={2} connectNulls dot={{ r: 3 }} isAnimationActive={false} />
          <Line dataKey="p90" name="p90" stroke="#f59e0b" strokeWidth={2} connectNulls dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
