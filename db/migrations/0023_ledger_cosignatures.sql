CREATE TABLE "ledger_cosignatures" (
	"size" bigint NOT NULL,
	"witness" text NOT NULL,
	"line" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_cosignatures_size_witness_pk" PRIMARY KEY("size","witness")
);
