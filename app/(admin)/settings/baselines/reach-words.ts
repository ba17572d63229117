/** "2 integrations at 2 clients", as the list and the save dialog say it. */
export function reachWords(reach: { integrations: number; clients: number }): string {
  if (reach.integrations === 0) return "No followers";
  const integrations = `${reach.integrations} integration${reach.integrations === 1 ? "" : "s"}`;
  return `${integrations} at ${reach.clients} client${reach.clients === 1 ? "" : "s"}`;
}
