DROP INDEX "commitments_pause_end";--> statement-breakpoint
DROP INDEX "commitments_pending_change";--> statement-breakpoint
DROP INDEX "commitments_witness";--> statement-breakpoint
CREATE INDEX "commitments_pause_end" ON "commitments" USING btree ("state","paused_until","id") WHERE "commitments"."paused_until" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "commitments_pending_change" ON "commitments" USING btree ("pending_change_at","id") WHERE "commitments"."pending_change_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "commitments_witness" ON "commitments" USING btree ("witness_id") WHERE "commitments"."witness_id" IS NOT NULL;