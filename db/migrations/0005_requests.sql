CREATE TYPE "public"."decision" AS ENUM('approve', 'deny');--> statement-breakpoint
CREATE TYPE "public"."execution_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."request_status" AS ENUM('pending', 'approved', 'denied', 'cancelled', 'expired');--> statement-breakpoint
CREATE TYPE "public"."risk_tier" AS ENUM('low', 'medium', 'high', 'critical');--> statement-breakpoint
CREATE TABLE "action_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"action_key" text NOT NULL,
	"params" jsonb NOT NULL,
	"params_hash" text NOT NULL,
	"justification" text NOT NULL,
	"trigger_event_id" uuid,
	"requested_minutes" integer NOT NULL,
	"requested_uses" integer DEFAULT 1 NOT NULL,
	"status" "request_status" DEFAULT 'pending' NOT NULL,
	"requester_id" uuid NOT NULL,
	"break_glass" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"outcome_note" text
);
--> statement-breakpoint
CREATE TABLE "action_types" (
	"key" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"risk_tier" "risk_tier" NOT NULL,
	"approvals_required" smallint DEFAULT 1 NOT NULL,
	"approver_roles" "role"[] NOT NULL,
	"min_clearance" smallint DEFAULT 1 NOT NULL,
	"max_duration_minutes" integer NOT NULL,
	"max_uses" integer DEFAULT 1 NOT NULL,
	"business_hours" boolean DEFAULT false NOT NULL,
	"break_glass_allowed" boolean DEFAULT false NOT NULL,
	"exclude_case_grantees" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "action_types_approvals_range" CHECK ("action_types"."approvals_required" between 1 and 5),
	CONSTRAINT "action_types_clearance_range" CHECK ("action_types"."min_clearance" between 1 and 4),
	CONSTRAINT "action_types_duration_range" CHECK ("action_types"."max_duration_minutes" between 1 and 1440),
	CONSTRAINT "action_types_uses_range" CHECK ("action_types"."max_uses" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"approver_id" uuid NOT NULL,
	"decision" "decision" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"narrowed_params" jsonb,
	"narrowed_minutes" integer,
	"narrowed_uses" integer,
	"params_hash_seen" text NOT NULL,
	"step_up_at" timestamp with time zone,
	"step_up_method" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approvals_one_per_approver" UNIQUE("request_id","approver_id")
);
--> statement-breakpoint
CREATE TABLE "break_glass_reviews" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewer_id" uuid,
	"verdict" text,
	"note" text,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"grant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"action_key" text NOT NULL,
	"params" jsonb NOT NULL,
	"executor_id" uuid NOT NULL,
	"status" "execution_status" DEFAULT 'running' NOT NULL,
	"summary" text,
	"result" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"action_key" text NOT NULL,
	"grantee_id" uuid NOT NULL,
	"scope" jsonb NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"max_uses" integer NOT NULL,
	"uses" integer DEFAULT 0 NOT NULL,
	"break_glass" boolean DEFAULT false NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoke_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_requestId_unique" UNIQUE("request_id"),
	CONSTRAINT "grants_window" CHECK ("grants"."expires_at" > "grants"."not_before"),
	CONSTRAINT "grants_uses" CHECK ("grants"."uses" between 0 and "grants"."max_uses")
);
--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_action_key_action_types_key_fk" FOREIGN KEY ("action_key") REFERENCES "public"."action_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_trigger_event_id_timeline_events_id_fk" FOREIGN KEY ("trigger_event_id") REFERENCES "public"."timeline_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_requests" ADD CONSTRAINT "action_requests_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_request_id_action_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."action_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_reviews" ADD CONSTRAINT "break_glass_reviews_request_id_action_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."action_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "break_glass_reviews" ADD CONSTRAINT "break_glass_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "public"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_executor_id_users_id_fk" FOREIGN KEY ("executor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_request_id_action_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."action_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_action_key_action_types_key_fk" FOREIGN KEY ("action_key") REFERENCES "public"."action_types"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_grantee_id_users_id_fk" FOREIGN KEY ("grantee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_requests_pending_idx" ON "action_requests" USING btree ("expires_at") WHERE "action_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "action_requests_case_idx" ON "action_requests" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "action_requests_requester_idx" ON "action_requests" USING btree ("requester_id","created_at");--> statement-breakpoint
CREATE INDEX "action_requests_action_idx" ON "action_requests" USING btree ("action_key","created_at");--> statement-breakpoint
CREATE INDEX "approvals_approver_id_index" ON "approvals" USING btree ("approver_id");--> statement-breakpoint
CREATE INDEX "executions_grant_idx" ON "executions" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "executions_case_idx" ON "executions" USING btree ("case_id","started_at");--> statement-breakpoint
CREATE INDEX "grants_case_idx" ON "grants" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "grants_grantee_idx" ON "grants" USING btree ("grantee_id","expires_at");