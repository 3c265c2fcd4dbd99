CREATE TYPE "public"."case_status" AS ENUM('new', 'triage', 'investigating', 'contained', 'closed');--> statement-breakpoint
CREATE TYPE "public"."custody_action" AS ENUM('collected', 'accessed', 'exported', 'verified');--> statement-breakpoint
CREATE TYPE "public"."entity_kind" AS ENUM('user_account', 'host', 'ip', 'domain', 'session', 'db_role', 'file_hash');--> statement-breakpoint
CREATE TYPE "public"."entity_role" AS ENUM('suspect', 'victim', 'affected');--> statement-breakpoint
CREATE TYPE "public"."event_relation" AS ENUM('actor', 'target', 'observed');--> statement-breakpoint
CREATE TYPE "public"."event_source" AS ENUM('manual', 'import', 'action', 'system');--> statement-breakpoint
CREATE TYPE "public"."member_access" AS ENUM('read', 'write');--> statement-breakpoint
CREATE TYPE "public"."case_resolution" AS ENUM('true_positive', 'false_positive', 'benign', 'duplicate', 'indeterminate');--> statement-breakpoint
CREATE TYPE "public"."tlp" AS ENUM('clear', 'green', 'amber', 'amber_strict', 'red');--> statement-breakpoint
CREATE TABLE "case_key_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_members" (
	"case_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"access" "member_access" NOT NULL,
	"added_by" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_members_case_id_user_id_pk" PRIMARY KEY("case_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"severity" smallint NOT NULL,
	"status" "case_status" DEFAULT 'new' NOT NULL,
	"resolution" "case_resolution",
	"tlp" "tlp" DEFAULT 'amber' NOT NULL,
	"lead_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "cases_key_unique" UNIQUE("key"),
	CONSTRAINT "cases_severity_range" CHECK ("cases"."severity" between 1 and 4),
	CONSTRAINT "cases_closed_has_resolution" CHECK (("cases"."status" = 'closed') = ("cases"."resolution" is not null and "cases"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "custody_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evidence_id" uuid NOT NULL,
	"action" "custody_action" NOT NULL,
	"actor_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" "entity_kind" NOT NULL,
	"value" text NOT NULL,
	"role" "entity_role" DEFAULT 'suspect' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entities_case_kind_value" UNIQUE("case_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "event_entities" (
	"event_id" uuid NOT NULL,
	"entity_id" uuid NOT NULL,
	"relation" "event_relation" NOT NULL,
	CONSTRAINT "event_entities_event_id_entity_id_relation_pk" PRIMARY KEY("event_id","entity_id","relation")
);
--> statement-breakpoint
CREATE TABLE "evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"source" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"acquired_by" uuid NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_sha256_hex" CHECK ("evidence"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "evidence_size_nonnegative" CHECK ("evidence"."size_bytes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timeline_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" "event_source" NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"raw" jsonb,
	"category" text,
	"attack_technique" text,
	"starred" boolean DEFAULT false NOT NULL,
	"author_id" uuid NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', "timeline_events"."title" || ' ' || "timeline_events"."description" || ' ' || coalesce("timeline_events"."category", '') || ' ' || coalesce("timeline_events"."attack_technique", ''))) STORED NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_members" ADD CONSTRAINT "case_members_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_members" ADD CONSTRAINT "case_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_members" ADD CONSTRAINT "case_members_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_lead_id_users_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custody_events" ADD CONSTRAINT "custody_events_evidence_id_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."evidence"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custody_events" ADD CONSTRAINT "custody_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_entities" ADD CONSTRAINT "event_entities_event_id_timeline_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."timeline_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_entities" ADD CONSTRAINT "event_entities_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_acquired_by_users_id_fk" FOREIGN KEY ("acquired_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_members_user_idx" ON "case_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "custody_events_evidence_idx" ON "custody_events" USING btree ("evidence_id","at");--> statement-breakpoint
CREATE INDEX "event_entities_entity_idx" ON "event_entities" USING btree ("entity_id","event_id");--> statement-breakpoint
CREATE INDEX "evidence_case_idx" ON "evidence" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "notes_case_idx" ON "notes" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "timeline_events_case_time_idx" ON "timeline_events" USING btree ("case_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "timeline_events_search_idx" ON "timeline_events" USING gin ("search");