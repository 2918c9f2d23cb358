/** The command menu Telegram shows when someone types "/": the core's one command table. */
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { COMMANDS } from "../../src/commands/table";
import type { Logger } from "../../src/log";
import { describeFailure } from "./errors";

/** Every command of the table as Telegram's `BotCommand` (names are already `[a-z0-9_]`). */
export function botCommands(): BotCommand[] {
  return COMMANDS.map((c) => ({ command: c.name, description: c.description }));
}

/**
 * Registers the menu for private chats and for groups. A failure is logged, not fatal: the
 * commands work typed in full either way.
 */
export async function registerCommands(api: Api, log: Logger): Promise<void> {
  const commands = botCommands();
  for (const type of ["all_private_chats", "all_group_chats"] as const) {
    try {
      await api.setMyCommands(commands, { scope: { type } });
    } catch (error) {
      log.warn({ scope: type, error: describeFailure(error) }, "telegram: setMyCommands failed");
    }
  }
}
