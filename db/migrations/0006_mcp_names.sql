ALTER TABLE "integrations" ADD COLUMN "mcp_prefix" text;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "output_schema" jsonb;--> statement-breakpoint
ALTER TABLE "tools" ADD COLUMN "mcp_name" text;--> statement-breakpoint
CREATE UNIQUE INDEX "tools_workspace_id_mcp_name_idx" ON "tools" USING btree ("workspace_id","mcp_name");--> statement-breakpoint
-- Name the tools that exist (server/integrations/mcp-names.ts follows the same rule for new ones).
UPDATE "tools" t SET "mcp_name" = n."mcp_name"
FROM (
  SELECT b."id", CASE WHEN length(b."base") <= 48 AND count(*) OVER (PARTITION BY b."workspace_id", b."base") = 1 THEN b."base"
    ELSE left(b."base", 39) || '_' || left(encode(sha256(convert_to(b."integration_id" || '/' || b."name", 'UTF8')), 'hex'), 8) END AS "mcp_name"
  FROM (
    SELECT t2."id", t2."workspace_id", t2."integration_id", t2."name",
      regexp_replace(coalesce(i."mcp_prefix", i."slug") || '__' || t2."name", '[^A-Za-z0-9_-]', '_', 'g') AS "base"
    FROM "tools" t2 JOIN "integrations" i ON i."id" = t2."integration_id"
  ) b
) n
WHERE n."id" = t."id";
