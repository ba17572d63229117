ALTER TABLE "workspaces" ADD COLUMN "escalation_minutes" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "escalation_user_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "escalation_slack_channel" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "escalation_second_minutes" integer;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "escalation_minutes" integer;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;