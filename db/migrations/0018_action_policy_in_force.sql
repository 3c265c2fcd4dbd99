ALTER TABLE "custody_events" ADD COLUMN "grant_id" uuid;--> statement-breakpoint
ALTER TABLE "custody_events" ADD COLUMN "ledger_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "action_types" ADD COLUMN "executor_step_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "action_types" ADD COLUMN "break_glass_per_day" smallint DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "action_types" ADD COLUMN "break_glass_minutes_per_day" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "action_types" ADD COLUMN "break_glass_max_unreviewed" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "approver_roles" "role"[];--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "approver_clearance" smallint;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "policy_version" integer;--> statement-breakpoint
ALTER TABLE "action_types" ADD CONSTRAINT "action_types_break_glass_per_day" CHECK ("action_types"."break_glass_per_day" between 0 and 50);--> statement-breakpoint
ALTER TABLE "action_types" ADD CONSTRAINT "action_types_break_glass_minutes" CHECK ("action_types"."break_glass_minutes_per_day" between 0 and 1440);--> statement-breakpoint
ALTER TABLE "action_types" ADD CONSTRAINT "action_types_break_glass_unreviewed" CHECK ("action_types"."break_glass_max_unreviewed" between 0 and 50);