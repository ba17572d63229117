DROP INDEX "tool_calls_agent_id_status_idx";--> statement-breakpoint
DROP INDEX "tool_calls_agent_id_idempotency_key_idx";--> statement-breakpoint
DROP INDEX "tool_calls_status_idx";--> statement-breakpoint
CREATE INDEX "tool_calls_agent_id_status_idx" ON "tool_calls" USING btree ("agent_id","status") WHERE "tool_calls"."status" = 'pending_approval';--> statement-breakpoint
CREATE UNIQUE INDEX "tool_calls_agent_id_idempotency_key_idx" ON "tool_calls" USING btree ("agent_id","idempotency_key") WHERE "tool_calls"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "tool_calls_status_idx" ON "tool_calls" USING btree ("status") WHERE "tool_calls"."status" in ('pending_approval', 'approved', 'executing');