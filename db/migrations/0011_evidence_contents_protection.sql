-- Collected evidence bytes are written once: no role, owner included, may change or remove them.
CREATE TRIGGER evidence_contents_append_only BEFORE UPDATE OR DELETE ON evidence_contents
  FOR EACH ROW EXECUTE FUNCTION custody_refuse_change();
--> statement-breakpoint
CREATE TRIGGER evidence_contents_no_truncate BEFORE TRUNCATE ON evidence_contents
  FOR EACH STATEMENT EXECUTE FUNCTION custody_refuse_change();
--> statement-breakpoint
ALTER TABLE evidence_contents ENABLE ALWAYS TRIGGER evidence_contents_append_only;
--> statement-breakpoint
ALTER TABLE evidence_contents ENABLE ALWAYS TRIGGER evidence_contents_no_truncate;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON evidence_contents FROM casefile_app;
