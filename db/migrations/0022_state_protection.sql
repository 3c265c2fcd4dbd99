-- State the application never rewrites is refused by the database too, for every role (triggers
-- enabled ALWAYS), and the application's role loses the privileges it never needs.

-- Grants: the terms are fixed at issue; uses start at 0 and grow one at a time up to max_uses
-- (the grants_uses check), never on a revoked grant; a revoked grant stays revoked; none is removed.
CREATE FUNCTION grants_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'grants are kept: DELETE on grants refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.uses <> 0 OR NEW.revoked_at IS NOT NULL OR NEW.revoked_by IS NOT NULL THEN
      RAISE EXCEPTION 'a grant is issued unused and unrevoked' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.request_id IS DISTINCT FROM OLD.request_id
     OR NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.action_key IS DISTINCT FROM OLD.action_key
     OR NEW.grantee_id IS DISTINCT FROM OLD.grantee_id OR NEW.scope IS DISTINCT FROM OLD.scope
     OR NEW.not_before IS DISTINCT FROM OLD.not_before OR NEW.expires_at IS DISTINCT FROM OLD.expires_at
     OR NEW.max_uses IS DISTINCT FROM OLD.max_uses OR NEW.break_glass IS DISTINCT FROM OLD.break_glass
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'a grant''s terms are fixed when it is issued' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.uses <> OLD.uses AND (NEW.uses <> OLD.uses + 1 OR OLD.revoked_at IS NOT NULL) THEN
    RAISE EXCEPTION 'a grant''s uses only grow, one at a time, while it is not revoked (% -> % refused)', OLD.uses, NEW.uses
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.revoked_at IS NOT NULL AND (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
     OR NEW.revoked_by IS DISTINCT FROM OLD.revoked_by OR NEW.revoke_reason IS DISTINCT FROM OLD.revoke_reason) THEN
    RAISE EXCEPTION 'a revoked grant stays revoked' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.revoked_at IS NULL AND NEW.revoked_at IS NULL
     AND (NEW.revoked_by IS NOT NULL OR NEW.revoke_reason IS NOT NULL) THEN
    RAISE EXCEPTION 'a grant is revoked with its time' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER grants_guard BEFORE INSERT OR UPDATE OR DELETE ON grants
  FOR EACH ROW EXECUTE FUNCTION grants_guard();
--> statement-breakpoint
CREATE FUNCTION state_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are written once: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER grants_no_truncate BEFORE TRUNCATE ON grants
  FOR EACH STATEMENT EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
-- Approvals are decisions: written once.
CREATE TRIGGER approvals_write_once BEFORE UPDATE OR DELETE ON approvals
  FOR EACH ROW EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
CREATE TRIGGER approvals_no_truncate BEFORE TRUNCATE ON approvals
  FOR EACH STATEMENT EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
-- Executions: what ran is fixed; the status only moves forward; a finished one is final.
CREATE FUNCTION executions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'executions are kept: DELETE on executions refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status IN ('succeeded', 'failed') THEN
    RAISE EXCEPTION 'a finished execution is final' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.grant_id IS DISTINCT FROM OLD.grant_id
     OR NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.action_key IS DISTINCT FROM OLD.action_key
     OR NEW.params IS DISTINCT FROM OLD.params OR NEW.executor_id IS DISTINCT FROM OLD.executor_id
     OR NEW.started_at IS DISTINCT FROM OLD.started_at
     OR (OLD.status = 'running' AND NEW.status = 'pending') THEN
    RAISE EXCEPTION 'what an execution ran is fixed, and its status only moves forward'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER executions_guard BEFORE UPDATE OR DELETE ON executions
  FOR EACH ROW EXECUTE FUNCTION executions_guard();
--> statement-breakpoint
CREATE TRIGGER executions_no_truncate BEFORE TRUNCATE ON executions
  FOR EACH STATEMENT EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
-- Whether this transaction wrote a ledger entry of one of `kinds` naming every one of `names` (as JSON
-- strings). Runs as the owner: the application role may write the inbox but not read it.
CREATE FUNCTION ledger_recorded_here(kinds text[], names text[]) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM ledger_inbox i
    WHERE i.txid = pg_current_xact_id()
      AND EXISTS (SELECT 1 FROM unnest(kinds) k WHERE position('"type":"' || k || '"' IN i.body) > 0)
      AND NOT EXISTS (SELECT 1 FROM unnest(names) n WHERE position('"' || n || '"' IN i.body) = 0))
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ledger_recorded_here(text[], text[]) FROM PUBLIC;
--> statement-breakpoint
-- It answers only about the caller's own transaction.
GRANT EXECUTE ON FUNCTION ledger_recorded_here(text[], text[]) TO casefile_app;
--> statement-breakpoint
-- Roles and memberships change only through their audited paths: at commit, the transaction that
-- changed the row must have written the ledger entry that names it.
CREATE FUNCTION user_roles_audited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NOT ledger_recorded_here(ARRAY['user.role_granted'], ARRAY[NEW.user_id::text, NEW.role::text]) THEN
    RAISE EXCEPTION 'role % for user % was granted without its ledger entry', NEW.role, NEW.user_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' AND NOT ledger_recorded_here(ARRAY['user.role_revoked'], ARRAY[OLD.user_id::text, OLD.role::text]) THEN
    RAISE EXCEPTION 'role % for user % was revoked without its ledger entry', OLD.role, OLD.user_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER user_roles_audited AFTER INSERT OR DELETE ON user_roles
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION user_roles_audited();
--> statement-breakpoint
CREATE TRIGGER user_roles_no_update BEFORE UPDATE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
CREATE TRIGGER user_roles_no_truncate BEFORE TRUNCATE ON user_roles
  FOR EACH STATEMENT EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
CREATE FUNCTION case_members_audited() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kinds text[] := CASE TG_OP
    WHEN 'INSERT' THEN ARRAY['case.created', 'case.member_added']
    WHEN 'UPDATE' THEN ARRAY['case.member_changed']
    ELSE ARRAY['case.member_removed'] END;
  row_case uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
  row_user uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
    RAISE EXCEPTION 'a membership names one person on one case' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT ledger_recorded_here(kinds, ARRAY[row_case::text, row_user::text]) THEN
    RAISE EXCEPTION 'membership of % in case % changed (%) without its ledger entry', row_user, row_case, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER case_members_audited AFTER INSERT OR UPDATE OR DELETE ON case_members
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION case_members_audited();
--> statement-breakpoint
-- A decision is written with its ledger entry (the approver is the entry's actor), or by the demo
-- seed, whose one entry names every approval it wrote.
CREATE FUNCTION approvals_audited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ledger_recorded_here(ARRAY['request.approved', 'request.narrowed', 'request.denied'],
                              ARRAY[NEW.request_id::text, NEW.approver_id::text])
     AND NOT ledger_recorded_here(ARRAY['demo.history_seeded'], ARRAY[NEW.id::text]) THEN
    RAISE EXCEPTION 'approval % of request % was written without its ledger entry', NEW.id, NEW.request_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER approvals_audited AFTER INSERT ON approvals
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION approvals_audited();
--> statement-breakpoint
CREATE TRIGGER case_members_no_truncate BEFORE TRUNCATE ON case_members
  FOR EACH STATEMENT EXECUTE FUNCTION state_refuse_change();
--> statement-breakpoint
-- ALWAYS: the triggers also fire with session_replication_role = replica.
ALTER TABLE grants ENABLE ALWAYS TRIGGER grants_guard;
--> statement-breakpoint
ALTER TABLE grants ENABLE ALWAYS TRIGGER grants_no_truncate;
--> statement-breakpoint
ALTER TABLE approvals ENABLE ALWAYS TRIGGER approvals_write_once;
--> statement-breakpoint
ALTER TABLE approvals ENABLE ALWAYS TRIGGER approvals_no_truncate;
--> statement-breakpoint
ALTER TABLE approvals ENABLE ALWAYS TRIGGER approvals_audited;
--> statement-breakpoint
ALTER TABLE executions ENABLE ALWAYS TRIGGER executions_guard;
--> statement-breakpoint
ALTER TABLE executions ENABLE ALWAYS TRIGGER executions_no_truncate;
--> statement-breakpoint
ALTER TABLE user_roles ENABLE ALWAYS TRIGGER user_roles_audited;
--> statement-breakpoint
ALTER TABLE user_roles ENABLE ALWAYS TRIGGER user_roles_no_update;
--> statement-breakpoint
ALTER TABLE user_roles ENABLE ALWAYS TRIGGER user_roles_no_truncate;
--> statement-breakpoint
ALTER TABLE case_members ENABLE ALWAYS TRIGGER case_members_audited;
--> statement-breakpoint
ALTER TABLE case_members ENABLE ALWAYS TRIGGER case_members_no_truncate;
--> statement-breakpoint
-- And the application role holds only the privileges its audited paths use.
REVOKE UPDATE, DELETE, TRUNCATE ON grants FROM casefile_app;
--> statement-breakpoint
GRANT UPDATE (uses, revoked_at, revoked_by, revoke_reason) ON grants TO casefile_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON approvals FROM casefile_app;
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON executions FROM casefile_app;
--> statement-breakpoint
REVOKE UPDATE, TRUNCATE ON user_roles FROM casefile_app;
--> statement-breakpoint
REVOKE TRUNCATE ON case_members FROM casefile_app;
--> statement-breakpoint
-- State reconciliation reads the entries still waiting, in the same snapshot as the tables.
CREATE FUNCTION ledger_pending_entries() RETURNS TABLE (entry_id uuid, body text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT entry_id, body FROM ledger_inbox ORDER BY id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION ledger_pending_entries() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ledger_pending_entries() TO casefile_app, casefile_ledger;
