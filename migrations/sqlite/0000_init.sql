CREATE TABLE `chats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text,
	`gone_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chats_platform_external` ON `chats` (`platform`,`external_id`);--> statement-breakpoint
CREATE TABLE `check_ins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`commitment_id` integer NOT NULL,
	`due_at` integer NOT NULL,
	`window_end` integer NOT NULL,
	`remind_at` integer,
	`state` text NOT NULL,
	`answer` text,
	`note` text,
	`answered_at` integer,
	`verdict` text,
	`verdict_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `check_ins_commitment_due` ON `check_ins` (`commitment_id`,`due_at`);--> statement-breakpoint
CREATE INDEX `check_ins_window` ON `check_ins` (`window_end`) WHERE "check_ins"."state" = 'pending';--> statement-breakpoint
CREATE INDEX `check_ins_remind` ON `check_ins` (`remind_at`) WHERE "check_ins"."remind_at" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `commitments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_id` integer NOT NULL,
	`chat_id` integer NOT NULL,
	`number` integer NOT NULL,
	`promise` text NOT NULL,
	`step` integer,
	`cadence` text NOT NULL,
	`cadence_state` text NOT NULL,
	`anchor` text NOT NULL,
	`zone` text NOT NULL,
	`visibility` text NOT NULL,
	`state` text NOT NULL,
	`witness_id` integer,
	`witness_status` text,
	`witness_invite` text,
	`witness_alerts` integer DEFAULT true NOT NULL,
	`until` text,
	`next_due_at` integer,
	`paused_until` integer,
	`pending_change` text,
	`pending_change_at` integer,
	`streak` integer DEFAULT 0 NOT NULL,
	`verified_streak` integer DEFAULT 0 NOT NULL,
	`trust` real,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`witness_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commitments_owner_number` ON `commitments` (`owner_id`,`number`);--> statement-breakpoint
CREATE INDEX `commitments_due` ON `commitments` (`state`,`next_due_at`);--> statement-breakpoint
CREATE INDEX `commitments_pause_end` ON `commitments` (`state`,`paused_until`);--> statement-breakpoint
CREATE INDEX `commitments_pending_change` ON `commitments` (`pending_change_at`);--> statement-breakpoint
CREATE INDEX `commitments_witness` ON `commitments` (`witness_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`commitment_id` integer,
	`actor_id` integer,
	`person_id` integer,
	`kind` text NOT NULL,
	`data` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_commitment` ON `events` (`commitment_id`,`at`);--> statement-breakpoint
CREATE INDEX `events_person` ON `events` (`person_id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`purpose` text NOT NULL,
	`platform` text NOT NULL,
	`recipient` text NOT NULL,
	`payload` text NOT NULL,
	`person_id` integer,
	`commitment_id` integer,
	`not_before` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`sent_at` integer,
	`failed_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_purpose` ON `outbox` (`purpose`);--> statement-breakpoint
CREATE INDEX `outbox_ready` ON `outbox` (`not_before`) WHERE "outbox"."sent_at" IS NULL AND "outbox"."failed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`name` text NOT NULL,
	`username` text,
	`is_bot` integer DEFAULT false NOT NULL,
	`zone` text,
	`quiet_start` integer,
	`quiet_end` integer,
	`dm_chat_id` text,
	`next_digest_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_platform_external` ON `people` (`platform`,`external_id`);--> statement-breakpoint
CREATE INDEX `people_platform_username` ON `people` (`platform`,`username`);--> statement-breakpoint
CREATE INDEX `people_digest` ON `people` (`next_digest_at`);