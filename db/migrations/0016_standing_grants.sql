CREATE TABLE "tool_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"integration_id" text NOT NULL,
	"tool_id" text NOT NULL,
	"client_id" text,
	"call_id" text NOT NULL,
	"pinned_arguments" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unpinned_arguments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requester_email" text,
	"approvals" jsonb NOT NULL,
	"approved_by" text NOT NULL,
	"policy_fingerprint" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by_user_id" text,
	"use_count" integer DEFAULT 0 NOT NULL,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "grant_max_hours" integer DEFAULT 8 NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "grant_hours" integer;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "grant_unpinned" jsonb;--> statement-breakpoint
ALTER TABLE "tool_grants" ADD CONSTRAINT "tool_grants_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tool_grants_agent_id_tool_id_idx" ON "tool_grants" USING btree ("agent_id","tool_id","expires_at") WHERE "tool_grants"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "tool_grants_workspace_id_expires_at_idx" ON "tool_grants" USING btree ("workspace_id","expires_at");