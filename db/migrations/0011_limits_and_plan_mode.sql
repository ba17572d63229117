CREATE TABLE "agent_tool_limits" (
	"agent_id" text NOT NULL,
	"tool_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"calls_per_hour" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_tool_limits_agent_id_tool_id_pk" PRIMARY KEY("agent_id","tool_id")
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"agent_id" text NOT NULL,
	"scope" text NOT NULL,
	"workspace_id" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_limit_counters_agent_id_scope_pk" PRIMARY KEY("agent_id","scope")
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "new_tool_start" text DEFAULT 'classified' NOT NULL;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "manager_approval_suggested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "plan_mode" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "calls_per_minute" integer;--> statement-breakpoint
ALTER TABLE "agent_tool_limits" ADD CONSTRAINT "agent_tool_limits_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_tool_limits" ADD CONSTRAINT "agent_tool_limits_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_limit_counters" ADD CONSTRAINT "rate_limit_counters_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_tool_limits_workspace_id_idx" ON "agent_tool_limits" USING btree ("workspace_id");