import type { IntegrationRow } from "@/db/schema";
import { openSecret, sealSecret } from "../crypto/secret-box";
import type { ConnectionTarget, IntegrationSecrets } from "./connectors/types";

/** Secrets are sealed with the integration id as context: a ciphertext moved to another row is useless. */
export function sealIntegrationSecrets(integrationId: string, secrets: IntegrationSecrets): string {
  return sealSecret(secrets, `integration:${integrationId}`);
}

export function openIntegrationSecrets(integration: Pick<IntegrationRow, "id" | "secretCiphertext">): IntegrationSecrets {
  return integration.secretCiphertext ? openSecret<IntegrationSecrets>(integration.secretCiphertext, `integration:${integration.id}`) : {};
}

export function connectionTargetOf(integration: Pick<IntegrationRow, "id" | "kind" | "config" | "secretCiphertext">): ConnectionTarget {
  return { id: integration.id, kind: integration.kind, config: integration.config, secrets: openIntegrationSecrets(integration) };
}
