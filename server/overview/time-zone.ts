/** IANA time zones this runtime knows (PostgreSQL ships the same database), plus UTC. */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === "UTC") return true;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone.length > 0 && zone.includes("/");
  } catch {
    return false;
  }
}

export function timeZoneChoices(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];
}
