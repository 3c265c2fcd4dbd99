-- How far integration lags behind the writers: readable by the app (health, dashboard) without
-- letting it read the inbox itself.
CREATE FUNCTION ledger_integration_lag()
  RETURNS TABLE (pending bigint, quarantined bigint, oldest_queued_at timestamptz, lag_seconds double precision,
                 size bigint, last_integrated_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT (SELECT count(*) FROM ledger_inbox),
         (SELECT count(*) FROM ledger_quarantine),
         oldest.queued_at,
         coalesce(extract(epoch FROM now() - oldest.queued_at), 0)::double precision,
         (SELECT coalesce(max(seq) + 1, 0) FROM ledger_entries),
         (SELECT integrated_at FROM ledger_entries ORDER BY seq DESC LIMIT 1)
  FROM (SELECT (SELECT queued_at FROM ledger_inbox ORDER BY id LIMIT 1) AS queued_at) AS oldest
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ledger_integration_lag() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ledger_integration_lag() TO casefile_app, casefile_ledger;
--> statement-breakpoint
-- Quarantined entries are evidence too: written once by the integrator, never rewritten.
REVOKE ALL ON ledger_quarantine FROM casefile_app;
--> statement-breakpoint
GRANT SELECT ON ledger_quarantine TO casefile_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON ledger_quarantine TO casefile_ledger;
--> statement-breakpoint
CREATE TRIGGER ledger_quarantine_append_only BEFORE UPDATE OR DELETE ON ledger_quarantine
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_quarantine_no_truncate BEFORE TRUNCATE ON ledger_quarantine
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
ALTER TABLE ledger_quarantine ENABLE ALWAYS TRIGGER ledger_quarantine_append_only;
--> statement-breakpoint
ALTER TABLE ledger_quarantine ENABLE ALWAYS TRIGGER ledger_quarantine_no_truncate;
