import { getEnv } from "../../env";
import { assertNever } from "../../errors";
import { mcpConnector } from "./mcp";
import { slackConnector } from "./slack";
import { testTicketing } from "./ticketing";
import { UpstreamError, type ConnectionTarget, type Connector } from "./types";

/** Where the app reaches its own demo directories (never through a user-supplied URL). */
export function demoDirectoryUrl(directoryId: string): string {
  return `${getEnv().internalUrl}/api/demo/${encodeURIComponent(directoryId)}/mcp`;
}

/** The connector for an integration, built from its settings and decrypted credentials. */
export function connectorFor(target: ConnectionTarget): Connector {
  switch (target.kind) {
    case "mcp": {
      const headers: Record<string, string> = {};
      if (target.secrets.authHeaderValue) headers[target.config.authHeaderName ?? "Authorization"] = target.secrets.authHeaderValue;
      return mcpConnector({ integrationId: target.id, url: target.config.url ?? "", headers });
    }
    case "demo_directory":
      return mcpConnector({
        integrationId: target.id,
        url: demoDirectoryUrl(target.config.directoryId ?? ""),
        headers: { Authorization: `Bearer ${target.secrets.demoSecret ?? ""}` },
        trusted: true,
      });
    case "slack":
      return slackConnector(target.secrets.botToken ?? "");
    case "jira":
    case "connectwise": {
      const ticketing = { kind: target.kind, config: target.config, secrets: target.secrets };
      return {
        // Ticketing integrations give agents no tools; discovery only proves the credentials work.
        async listTools() {
          await testTicketing(ticketing);
          return [];
        },
        async callTool() {
          return { ok: false, message: "Ticketing integrations offer no tools to agents." };
        },
      };
    }
    default:
      return assertNever(target.kind);
  }
}

export { UpstreamError };
