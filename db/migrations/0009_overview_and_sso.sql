CREATE TYPE "public"."sso_kind" AS ENUM('entra', 'google', 'oidc');--> statement-breakpoint
CREATE TABLE "user_identities" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"issuer" text NOT NULL,
	"tenant" text DEFAULT '' NOT NULL,
	"subject" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace_sso" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"kind" "sso_kind" NOT NULL,
	"issuer" text NOT NULL,
	"tenant" text DEFAULT '' NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_ciphertext" text NOT NULL,
	"allowed_domains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_wait_daily" (
	"workspace_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"client_key" text NOT NULL,
	"decided" integer NOT NULL,
	"p50_seconds" double precision NOT NULL,
	"p90_seconds" double precision NOT NULL,
	CONSTRAINT "approval_wait_daily_pk" PRIMARY KEY("workspace_id","time_zone","day","client_key")
);
--> statement-breakpoint
CREATE TABLE "call_stats_daily" (
	"workspace_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"client_key" text NOT NULL,
	"integration_slug" text NOT NULL,
	"tool_name" text NOT NULL,
	"outcome" text NOT NULL,
	"calls" integer NOT NULL,
	CONSTRAINT "call_stats_daily_pk" PRIMARY KEY("workspace_id","time_zone","day","client_key","integration_slug","tool_name","outcome")
);
--> statement-breakpoint
CREATE TABLE "call_stats_days" (
	"workspace_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"day" date NOT NULL,
	"rolled_up_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_stats_days_pk" PRIMARY KEY("workspace_id","time_zone","day")
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "password_sign_in" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "break_glass_user_id" text;--> statement-breakpoint
ALTER TABLE "user_identities" ADD CONSTRAINT "user_identities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_identities" ADD CONSTRAINT "user_identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_sso" ADD CONSTRAINT "workspace_sso_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "user_identities_issuer_tenant_subject_idx" ON "user_identities" USING btree ("issuer","tenant","subject");--> statement-breakpoint
CREATE INDEX "user_identities_user_id_idx" ON "user_identities" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "approval_requests_workspace_id_created_at_idx" ON "approval_requests" USING btree ("workspace_id","created_at");