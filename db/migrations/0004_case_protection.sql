-- Chain of custody is append-only: no role, owner included, may rewrite or remove a custody event.
CREATE FUNCTION custody_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the chain of custody is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER custody_events_append_only BEFORE UPDATE OR DELETE ON custody_events
  FOR EACH ROW EXECUTE FUNCTION custody_refuse_change();
--> statement-breakpoint
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
  FOR EACH STATEMENT EXECUTE FUNCTION custody_refuse_change();
--> statement-breakpoint
ALTER TABLE custody_events ENABLE ALWAYS TRIGGER custody_events_append_only;
--> statement-breakpoint
ALTER TABLE custody_events ENABLE ALWAYS TRIGGER custody_events_no_truncate;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON custody_events FROM casefile_app;
