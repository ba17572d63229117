import { activityRouter } from "./routers/activity";
import { agentsRouter } from "./routers/agents";
import { approvalsRouter } from "./routers/approvals";
import { baselinesRouter } from "./routers/baselines";
import { clientsRouter } from "./routers/clients";
import { directoryRouter } from "./routers/directory";
import { grantsRouter } from "./routers/grants";
import { escalationRouter } from "./routers/escalation";
import { integrationsRouter } from "./routers/integrations";
import { overviewRouter } from "./routers/overview";
import { policiesRouter } from "./routers/policies";
import { settingsRouter } from "./routers/settings";
import { ssoRouter } from "./routers/sso";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

/** The one router registry. */
export const appRouter = createTRPCRouter({
  users: usersRouter,
  clients: clientsRouter,
  directory: directoryRouter,
  integrations: integrationsRouter,
  policies: policiesRouter,
  baselines: baselinesRouter,
  agents: agentsRouter,
  settings: settingsRouter,
  activity: activityRouter,
  approvals: approvalsRouter,
  grants: grantsRouter,
  overview: overviewRouter,
  sso: ssoRouter,
  escalation: escalationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
