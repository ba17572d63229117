CREATE TYPE "public"."approval_notify" AS ENUM('slack', 'email', 'both');--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "approval_notify" "approval_notify" DEFAULT 'slack' NOT NULL;