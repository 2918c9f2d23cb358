ALTER TABLE `check_ins` ADD `skipped_through` integer;--> statement-breakpoint
ALTER TABLE `check_ins` ADD `skipped_count` integer;