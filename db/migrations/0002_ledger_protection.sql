-- Database roles and the ledger's append-only protection.
-- casefile_app: what the application connects as (via a login that is, or is a member of, this role).
-- casefile_ledger: what the ledger integrator connects as.
-- Neither owns any table, so neither can disable triggers or change privileges.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'casefile_app') THEN
    CREATE ROLE casefile_app NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'casefile_ledger') THEN
    CREATE ROLE casefile_ledger NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO casefile_app, casefile_ledger;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO casefile_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO casefile_app;
--> statement-breakpoint
-- Tables that later migrations create get the same rights; ledger-like tables revoke them explicitly.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO casefile_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO casefile_app;
--> statement-breakpoint
REVOKE ALL ON ledger_inbox, ledger_entries, ledger_nodes, ledger_checkpoints FROM casefile_app;
--> statement-breakpoint
GRANT INSERT ON ledger_inbox TO casefile_app;
--> statement-breakpoint
GRANT SELECT ON ledger_entries, ledger_nodes, ledger_checkpoints TO casefile_app;
--> statement-breakpoint
GRANT SELECT, DELETE ON ledger_inbox TO casefile_ledger;
--> statement-breakpoint
GRANT SELECT, INSERT ON ledger_entries, ledger_nodes, ledger_checkpoints TO casefile_ledger;
--> statement-breakpoint
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON ledger_nodes
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_nodes_no_truncate BEFORE TRUNCATE ON ledger_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
-- The inbox is a queue: the integrator deletes what it has moved into the log; nothing may rewrite it.
CREATE TRIGGER ledger_inbox_no_update BEFORE UPDATE ON ledger_inbox
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_inbox_no_truncate BEFORE TRUNCATE ON ledger_inbox
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
-- ALWAYS: the triggers also fire with session_replication_role = replica.
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_append_only;
--> statement-breakpoint
ALTER TABLE ledger_entries ENABLE ALWAYS TRIGGER ledger_entries_no_truncate;
--> statement-breakpoint
ALTER TABLE ledger_nodes ENABLE ALWAYS TRIGGER ledger_nodes_append_only;
--> statement-breakpoint
ALTER TABLE ledger_nodes ENABLE ALWAYS TRIGGER ledger_nodes_no_truncate;
--> statement-breakpoint
ALTER TABLE ledger_checkpoints ENABLE ALWAYS TRIGGER ledger_checkpoints_append_only;
--> statement-breakpoint
ALTER TABLE ledger_checkpoints ENABLE ALWAYS TRIGGER ledger_checkpoints_no_truncate;
--> statement-breakpoint
ALTER TABLE ledger_inbox ENABLE ALWAYS TRIGGER ledger_inbox_no_update;
--> statement-breakpoint
ALTER TABLE ledger_inbox ENABLE ALWAYS TRIGGER ledger_inbox_no_truncate;
