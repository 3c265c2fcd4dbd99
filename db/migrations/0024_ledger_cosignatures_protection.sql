-- Cosignatures are part of the ledger's evidence: the app may read them, the integrator may add
-- them, and nobody (owner included) may change or remove one.
REVOKE ALL ON ledger_cosignatures FROM casefile_app;
--> statement-breakpoint
GRANT SELECT ON ledger_cosignatures TO casefile_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON ledger_cosignatures TO casefile_ledger;
--> statement-breakpoint
CREATE TRIGGER ledger_cosignatures_append_only BEFORE UPDATE OR DELETE ON ledger_cosignatures
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_cosignatures_no_truncate BEFORE TRUNCATE ON ledger_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
ALTER TABLE ledger_cosignatures ENABLE ALWAYS TRIGGER ledger_cosignatures_append_only;
--> statement-breakpoint
ALTER TABLE ledger_cosignatures ENABLE ALWAYS TRIGGER ledger_cosignatures_no_truncate;
