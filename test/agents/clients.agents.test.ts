import { describeFrameworkSnippets } from "./frameworks";
import { describeMcpSdkClient } from "./mcp-sdk";
import { setupAgentsWorld } from "./world";

/*
 * Agent clients against a production build (`next start` on the build `npm test` already made; PGlite,
 * or PostgreSQL with TEST_DATABASE_URL): one app for all of them, since starting one is most of the time.
 */
const world = setupAgentsWorld();

describeMcpSdkClient(world);
describeFrameworkSnippets(world);
