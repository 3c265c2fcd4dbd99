-- Critical actions ask the person who requests and runs them for a fresh second factor.
UPDATE action_types SET executor_step_up = true
  WHERE risk_tier = 'critical' AND executor_step_up = false;
--> statement-breakpoint
ALTER TABLE custody_events ADD CONSTRAINT custody_events_grant_id_grants_id_fk
  FOREIGN KEY (grant_id) REFERENCES grants(id);
--> statement-breakpoint
-- An export is the use of an evidence.export grant; entries recorded before this rule stay as they were.
ALTER TABLE custody_events ADD CONSTRAINT custody_events_export_needs_grant
  CHECK (action <> 'exported' OR grant_id IS NOT NULL) NOT VALID;
