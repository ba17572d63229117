import { createCallerFactory, createTRPCRouter } from "./trpc";
import { usersRouter } from "./routers/users";

/** The one router registry. */
export const appRouter = createTRPCRouter({
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
