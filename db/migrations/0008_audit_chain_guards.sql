-- The sealer's single state row: sealers on any number of instances lock it, so one seals at a time.
INSERT INTO audit_sealer_state (id) VALUES (1) ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Seals are append-only, like the events they seal (the same refusal function as migration 0001).
CREATE TRIGGER audit_seals_append_only
  BEFORE UPDATE OR DELETE ON audit_seals
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate
  BEFORE TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
