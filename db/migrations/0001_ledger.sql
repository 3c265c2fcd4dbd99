CREATE TABLE "ledger_checkpoints" (
	"size" bigint PRIMARY KEY NOT NULL,
	"root" "bytea" NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"body" text NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"integrated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" text GENERATED ALWAYS AS ((body::jsonb ->> 'type')) STORED,
	"actor_id" text GENERATED ALWAYS AS ((body::jsonb -> 'actor' ->> 'id')) STORED,
	"case_id" text GENERATED ALWAYS AS ((body::jsonb ->> 'caseId')) STORED,
	"at" text GENERATED ALWAYS AS ((body::jsonb ->> 'at')) STORED,
	CONSTRAINT "ledger_entries_entryId_unique" UNIQUE("entry_id")
);
--> statement-breakpoint
CREATE TABLE "ledger_inbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"entry_id" uuid NOT NULL,
	"body" text NOT NULL,
	CONSTRAINT "ledger_inbox_entryId_unique" UNIQUE("entry_id")
);
--> statement-breakpoint
CREATE TABLE "ledger_nodes" (
	"level" smallint NOT NULL,
	"idx" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "ledger_nodes_level_idx_pk" PRIMARY KEY("level","idx")
);
--> statement-breakpoint
CREATE INDEX "ledger_entries_type_idx" ON "ledger_entries" USING btree ("type","seq");--> statement-breakpoint
CREATE INDEX "ledger_entries_actor_idx" ON "ledger_entries" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_entries_case_idx" ON "ledger_entries" USING btree ("case_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_entries_at_idx" ON "ledger_entries" USING btree ("at");