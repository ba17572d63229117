import { cache } from "react";
import { getDb } from "@/server/database";
import { getCurrentUser } from "../auth/current-user";
import { createCaller } from "./root";

/** The tRPC caller for server components, acting as the signed-in user of this request. */
export const getServerCaller = cache(async () => createCaller({ db: await getDb(), user: await getCurrentUser() }));
