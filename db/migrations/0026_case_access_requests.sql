CREATE TABLE "case_access_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"requester_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"outcome" text
);
--> statement-breakpoint
ALTER TABLE "case_access_requests" ADD CONSTRAINT "case_access_requests_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_access_requests" ADD CONSTRAINT "case_access_requests_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_access_requests" ADD CONSTRAINT "case_access_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_access_requests_open_idx" ON "case_access_requests" USING btree ("case_id","requester_id") WHERE "case_access_requests"."decided_at" is null;--> statement-breakpoint
CREATE INDEX "case_access_requests_case_idx" ON "case_access_requests" USING btree ("case_id","created_at");