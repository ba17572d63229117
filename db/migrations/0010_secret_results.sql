ALTER TABLE "workspaces" ADD COLUMN "call_retention_days" integer;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "sensitive_result" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "secret_ciphertext" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "result_digest" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
-- Tools already synced whose name or description is about secrets (server/policy/classify.ts revealsSecrets, approximately).
UPDATE "tools" SET "sensitive_result" = true
WHERE "name" ~* '(^|[^a-z])(password|passwords|passwd|passphrase|pwd|secret|secrets|token|tokens|credential|credentials|apikey|key|keys|env|environment|otp)([^a-z]|$)'
   OR "description" ~* '\m(passwords?|passphrases?|secrets?|credentials?|api[ -]?keys?|access keys?|private keys?|access tokens?|auth(entication)? tokens?|bearer tokens?|refresh tokens?|environment variables?|env vars?)\M';
