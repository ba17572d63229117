ALTER TYPE "public"."policy_change_source" ADD VALUE 'baseline';--> statement-breakpoint
CREATE TABLE "baseline_tools" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"baseline_id" text NOT NULL,
	"tool_name" text NOT NULL,
	"policy" "tool_policy" NOT NULL,
	"manager_approval" boolean DEFAULT false NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "baselines" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"compatibility_key" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "baseline_id" text;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "baseline_override" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "baseline_tools" ADD CONSTRAINT "baseline_tools_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "baseline_tools" ADD CONSTRAINT "baseline_tools_baseline_id_baselines_id_fk" FOREIGN KEY ("baseline_id") REFERENCES "public"."baselines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "baselines" ADD CONSTRAINT "baselines_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "baseline_tools_baseline_id_tool_name_idx" ON "baseline_tools" USING btree ("baseline_id","tool_name");--> statement-breakpoint
CREATE INDEX "baseline_tools_workspace_id_idx" ON "baseline_tools" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "baselines_workspace_id_name_idx" ON "baselines" USING btree ("workspace_id","name");--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_baseline_id_baselines_id_fk" FOREIGN KEY ("baseline_id") REFERENCES "public"."baselines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integrations_baseline_id_idx" ON "integrations" USING btree ("baseline_id");