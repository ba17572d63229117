CREATE TABLE "audit_sealer_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"watermark" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"sealed_at" timestamp with time zone,
	CONSTRAINT "audit_sealer_state_one_row" CHECK ("audit_sealer_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"event_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"link" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "tx_id" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_seals_workspace_id_seq_idx" ON "audit_seals" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "audit_events_tx_id_idx" ON "audit_events" USING btree ("tx_id");