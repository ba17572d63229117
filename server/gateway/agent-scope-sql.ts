/**
 * Whether integration `i` is within the reach of agent `a`, as a SQL boolean: an MSP-wide
 * integration needs an MSP-wide agent; a client's integration needs an agent for all clients or
 * for that client. The one definition of the scope, read by every query that feeds the decision
 * (the call, the tool list, calls already made); `decide` turns `false` into `out_of_scope`.
 */
export const IN_AGENT_SCOPE_SQL = `((i.client_id is null and a.msp_wide)
  or (i.client_id is not null and (a.all_clients
    or exists (select 1 from agent_clients ac where ac.agent_id = a.id and ac.client_id = i.client_id))))`;
