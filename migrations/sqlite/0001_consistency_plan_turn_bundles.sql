ALTER TABLE `commitments` ADD `consistency` real;--> statement-breakpoint
ALTER TABLE `outbox` ADD `bundle` text;--> statement-breakpoint
ALTER TABLE `people` ADD `plan_turned_at` integer;--> statement-breakpoint
UPDATE `commitments` SET `consistency` = `trust`;