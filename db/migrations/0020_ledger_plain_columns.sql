CREATE TABLE "ledger_quarantine" (
	"inbox_id" bigint PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"body" text NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"queued_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"quarantined_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "type" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "actor_id" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "case_id" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "at" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "ledger_inbox" ADD COLUMN "queued_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_inbox" ADD COLUMN "txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;