import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "../env";

const VERSION = "v1";

/**
 * AES-256-GCM under TOOLGATE_ENCRYPTION_KEY for credentials at rest (tokens, auth headers, SMTP
 * passwords, webhook secrets). Format: `v1.<iv>.<tag>.<ciphertext>` in base64url. The `context`
 * (e.g. the integration id) is bound as additional data, so a ciphertext copied onto another row
 * does not decrypt there.
 */
export function sealSecret(value: unknown, context: string, key: Buffer = getEnv().encryptionKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function openSecret<T>(sealed: string, context: string, key: Buffer = getEnv().encryptionKey): T {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("stored secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
  return JSON.parse(plaintext.toString("utf8")) as T;
}
