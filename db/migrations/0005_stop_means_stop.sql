ALTER TABLE "agent_keys" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "agent_key_id" text;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD COLUMN "tool_definition_hash" text;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "approver_email" text;--> statement-breakpoint
ALTER TABLE "tool_calls" DROP COLUMN "response_status";--> statement-breakpoint
ALTER TABLE "tool_calls" DROP COLUMN "response_body";--> statement-breakpoint
-- Calls made before keys were recorded: the key with the call's prefix made it.
UPDATE "tool_calls" c SET "agent_key_id" = k."id" FROM "agent_keys" k WHERE k."agent_id" = c."agent_id" AND k."prefix" = c."agent_key_prefix" AND c."agent_key_id" IS NULL;--> statement-breakpoint
-- Calls still open: the definition their approvers saw is the tool's current one, unless it changed since the call (then none matches).
UPDATE "tool_calls" c SET "tool_definition_hash" = CASE WHEN t."flagged_at" > c."created_at" THEN 'changed-before-migration' ELSE t."definition_hash" END FROM "tools" t WHERE t."id" = c."tool_id" AND c."status" IN ('pending_approval', 'approved');--> statement-breakpoint
UPDATE "approval_requests" r SET "approver_email" = p."email" FROM "directory_people" p WHERE p."id" = r."approver_person_id" AND r."approver_email" IS NULL;
