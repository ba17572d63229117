/**
 * The argument a model may fill in with the requester's e-mail, offered only on tools that need
 * the requester's manager (agent frameworks cannot set per-call `_meta`, but a model can fill an
 * argument). Stripped before anything is stored or sent upstream; a tool whose own schema uses the
 * name is refused at sync.
 */
export const REQUESTER_ARGUMENT = "toolgate_requester";
