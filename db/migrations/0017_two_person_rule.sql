CREATE TABLE "approval_votes" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"approval_request_id" text NOT NULL,
	"call_id" text NOT NULL,
	"user_id" text NOT NULL,
	"person_key" text NOT NULL,
	"via" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tool_policy_changes" ADD COLUMN "from_technician_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tool_policy_changes" ADD COLUMN "to_technician_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "technician_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "required_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_approval_request_id_approval_requests_id_fk" FOREIGN KEY ("approval_request_id") REFERENCES "public"."approval_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_votes" ADD CONSTRAINT "approval_votes_call_id_tool_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."tool_calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_votes_approval_request_id_user_id_idx" ON "approval_votes" USING btree ("approval_request_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_votes_approval_request_id_person_key_idx" ON "approval_votes" USING btree ("approval_request_id","person_key");--> statement-breakpoint
CREATE INDEX "approval_votes_call_id_idx" ON "approval_votes" USING btree ("call_id");