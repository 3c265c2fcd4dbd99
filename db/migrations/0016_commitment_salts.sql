ALTER TABLE "cases" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "custody_events" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "evidence" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "notes" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD COLUMN "salt" "bytea" DEFAULT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_salt_32" CHECK (octet_length("cases"."salt") = 32);--> statement-breakpoint
ALTER TABLE "custody_events" ADD CONSTRAINT "custody_events_salt_32" CHECK (octet_length("custody_events"."salt") = 32);--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_salt_32" CHECK (octet_length("entities"."salt") = 32);--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_salt_32" CHECK (octet_length("evidence"."salt") = 32);--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_salt_32" CHECK (octet_length("notes"."salt") = 32);--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_salt_32" CHECK (octet_length("timeline_events"."salt") = 32);