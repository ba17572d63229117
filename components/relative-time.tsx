/** A time as "3 minutes ago", with the exact time on hover (server-rendered, no client clock drift). */
export function RelativeTime({ date, now = new Date() }: { date: Date; now?: Date }) {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    Math.abs(seconds) < 60
      ? [-seconds, "second"]
      : Math.abs(seconds) < 3600
        ? [-Math.round(seconds / 60), "minute"]
        : Math.abs(seconds) < 86_400
          ? [-Math.round(seconds / 3600), "hour"]
          : [-Math.round(seconds / 86_400), "day"];
  return (
    <time dateTime={date.toISOString()} title={date.toISOString().replace("T", " ").slice(0, 19) + " UTC"}>
      {Math.abs(seconds) < 10 ? "just now" : format.format(value, unit)}
    </time>
  );
}
