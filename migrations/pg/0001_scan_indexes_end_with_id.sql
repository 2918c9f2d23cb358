DROP INDEX "check_ins_window";--> statement-breakpoint
DROP INDEX "check_ins_remind";--> statement-breakpoint
DROP INDEX "commitments_due";--> statement-breakpoint
DROP INDEX "commitments_pause_end";--> statement-breakpoint
DROP INDEX "commitments_pending_change";--> statement-breakpoint
DROP INDEX "outbox_ready";--> statement-breakpoint
DROP INDEX "people_digest";--> statement-breakpoint
CREATE INDEX "check_ins_window" ON "check_ins" USING btree ("window_end","id") WHERE "check_ins"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "check_ins_remind" ON "check_ins" USING btree ("remind_at","id") WHERE "check_ins"."remind_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "commitments_due" ON "commitments" USING btree ("state","next_due_at","id");--> statement-breakpoint
CREATE INDEX "commitments_pause_end" ON "commitments" USING btree ("state","paused_until","id");--> statement-breakpoint
CREATE INDEX "commitments_pending_change" ON "commitments" USING btree ("pending_change_at","id");--> statement-breakpoint
CREATE INDEX "outbox_ready" ON "outbox" USING btree ("not_before","id") WHERE "outbox"."sent_at" IS NULL AND "outbox"."failed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "people_digest" ON "people" USING btree ("next_digest_at","id");