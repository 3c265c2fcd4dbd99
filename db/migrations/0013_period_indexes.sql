CREATE INDEX "action_requests_created_idx" ON "action_requests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "approvals_created_idx" ON "approvals" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "executions_started_idx" ON "executions" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "grants_created_idx" ON "grants" USING btree ("created_at");