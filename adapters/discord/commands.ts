/**
 * The command table as Discord slash commands, the options of an invocation back as the
 * engine's arguments, and registration that runs only when the rendered table changed.
 */

import { createHash } from "node:crypto";
import {
  type APIApplicationCommandBasicOption,
  type APIChatInputApplicationCommandInteractionData,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type REST,
  type RESTPutAPIApplicationCommandsJSONBody,
  Routes,
} from "discord.js";
import { COMMANDS, type CommandSpec, findCommand, type OptionSpec } from "../../src/commands/table";
import type { Logger } from "../../src/log";
import type { Store } from "../../src/store/port";
import type { Clock, CommandArgs, PersonRef } from "../../src/types";
import { personOf } from "./identity";

/** The meta key holding what this database last registered. */
export const COMMANDS_META_KEY = "discord.commands";

/** The slash commands' JSON, as the bulk-overwrite endpoint takes it. */
export type CommandsBody = RESTPutAPIApplicationCommandsJSONBody;

/** The kinds of autocomplete the engine answers. */
export type SuggestKind = "commitment" | "zone" | "cadence";

/** Which engine suggestion an option autocompletes with, if any. */
export function suggestKindOf(option: OptionSpec): SuggestKind | undefined {
  if (option.type === "commitment") return "commitment";
  if (option.type === "text" && (option.hint === "zone" || option.hint === "cadence")) return option.hint;
  return undefined;
}

function renderOption(option: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: option.name, description: option.description, required: option.required === true };
  switch (option.type) {
    case "text": {
      const autocomplete = suggestKindOf(option) !== undefined;
      if (option.hint === "command") {
        // Every command name fits Discord's 25 choices; a pick list beats typing one.
        return {
          ...base,
          type: ApplicationCommandOptionType.String,
          choices: COMMANDS.map((c) => ({ name: c.name, value: c.name })),
        };
      }
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(option.maxLength !== undefined ? { max_length: discordMaxLength(option) } : {}),
        ...(autocomplete ? { autocomplete: true } : {}),
      };
    }
    case "number":
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(option.min !== undefined ? { min_value: option.min } : {}),
        ...(option.max !== undefined ? { max_value: option.max } : {}),
      };
    case "choice":
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: (option.choices ?? []).map((c) => ({ name: c, value: c })),
      };
    case "person":
      return { ...base, type: ApplicationCommandOptionType.User };
    case "commitment":
      // A string, not an integer: people may type "#2", and the suggestions show the promise.
      return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 100 };
    case "flag":
      return { ...base, type: ApplicationCommandOptionType.Boolean };
  }
}

/** One command as a slash command; Discord wants required options before optional ones. */
export function renderCommand(spec: CommandSpec): CommandsBody[number] {
  const required = spec.options.filter((o) => o.required);
  const optional = spec.options.filter((o) => !o.required);
  return {
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    description: spec.description,
    options: [...required, ...optional].map(renderOption),
    // Usable in servers and in the bot's DMs, for servers that installed the bot (not user installs).
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** The whole command table as slash commands. */
export function renderCommands(table: readonly CommandSpec[] = COMMANDS): CommandsBody {
  return table.map(renderCommand);
}

/** Where commands are registered: one server (instant, for development) or everywhere. */
export type CommandScope = { kind: "guild"; guildId: string } | { kind: "global" };

function scopeKey(scope: CommandScope): string {
  return scope.kind === "guild" ? `guild:${scope.guildId}` : "global";
}

/** A hash of what would be registered where, to skip registration when nothing changed. */
export function commandsHash(body: CommandsBody, applicationId: string, scope: CommandScope): string {
  const text = JSON.stringify({ applicationId, scope: scopeKey(scope), body });
  return createHash("sha256").update(text).digest("hex");
}

interface Registered {
  hash: string;
  applicationId: string;
  scope: string;
}

async function readRegistered(store: Store): Promise<Registered | undefined> {
  const raw = await store.transaction((tx) => tx.getMeta(COMMANDS_META_KEY), { readOnly: true });
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<Registered>;
    if (
      typeof value.hash === "string" &&
      typeof value.applicationId === "string" &&
      typeof value.scope === "string"
    )
      return value as Registered;
  } catch {
    // An unreadable record only costs one registration.
  }
  return undefined;
}

/** What {@link registerCommands} needs. */
export interface RegisterOptions {
  /** A REST client with the bot token: the gateway client's `client.rest`, or a bare one in HTTP mode. */
  rest: REST;
  store: Store;
  clock: Clock;
  log: Logger;
  applicationId: string;
  scope: CommandScope;
  body?: CommandsBody;
}

/**
 * Registers the command table (one bulk overwrite) unless this database records that the same
 * table was already registered to the same application and scope. Moving from a server to
 * global registration clears that server's commands, which would otherwise show twice there.
 *
 * @returns true when it registered, false when nothing had changed.
 */
export async function registerCommands(opts: RegisterOptions): Promise<boolean> {
  const { rest, store, clock, log, applicationId, scope } = opts;
  const body = opts.body ?? renderCommands();
  const hash = commandsHash(body, applicationId, scope);
  const previous = await readRegistered(store);
  if (previous?.hash === hash) {
    log.debug({ scope: scopeKey(scope) }, "discord commands unchanged; not registering");
    return false;
  }
  const route =
    scope.kind === "guild"
      ? Routes.applicationGuildCommands(applicationId, scope.guildId)
      : Routes.applicationCommands(applicationId);
  await rest.put(route, { body });
  const oldGuild = previous?.scope.startsWith("guild:") ? previous.scope.slice("guild:".length) : undefined;
  if (
    previous &&
    oldGuild &&
    previous.scope !== scopeKey(scope) &&
    previous.applicationId === applicationId
  ) {
    try {
      await rest.put(Routes.applicationGuildCommands(applicationId, oldGuild), { body: [] });
    } catch (error) {
      log.warn({ error: String(error) }, "could not clear the commands of the previously used server");
    }
  }
  const record: Registered = { hash, applicationId, scope: scopeKey(scope) };
  const at = clock.now().getTime();
  await store.transaction((tx) => tx.setMeta(COMMANDS_META_KEY, JSON.stringify(record), at));
  log.info({ scope: record.scope, commands: body.length }, "discord commands registered");
  return true;
}

/** An invocation's options as the engine takes them. */
export interface CommandInput {
  name: string;
  args: CommandArgs;
  mentions: PersonRef[];
}

/**
 * Turns a slash command's options (as Discord sends them) into the engine's arguments: strings
 * throughout, a true flag as "true" (false is the same as absent), a user as their username plus
 * a resolved mention, a commitment as its number.
 */
export function commandInput(data: APIChatInputApplicationCommandInteractionData): CommandInput {
  const spec = findCommand(data.name);
  const args: CommandArgs = {};
  const mentions: PersonRef[] = [];
  for (const option of data.options ?? []) {
    const declared = spec?.options.find((o) => o.name === option.name);
    if (!declared || !("value" in option) || option.value === undefined) continue;
    switch (declared.type) {
      case "person": {
        const id = String(option.value);
        const user = data.resolved?.users?.[id];
        if (user) {
          args[option.name] = user.username;
          mentions.push(personOf(user, data.resolved?.members?.[id]));
        }
        break;
      }
      case "flag":
        if (option.value === true) args[option.name] = "true";
        break;
      case "commitment":
        args[option.name] = String(option.value).trim().replace(/^#\s*/, "");
        break;
      case "choice":
        args[option.name] = String(option.value).toLowerCase();
        break;
      default:
        args[option.name] = String(option.value);
    }
  }
  return { name: data.name, args, mentions };
}

/**
 * Discord's `max_length` for a text option. Promises and notes are limited by what a person sees
 * (grapheme clusters, counted in the core): an accented letter typed as two code points, or an
 * emoji family, counts once there but several times for Discord, so Discord gets room for that
 * (four code points a character, within its own 6,000) and the core decides.
 */
function discordMaxLength(option: { hint?: string; maxLength?: number }): number | undefined {
  if (option.maxLength === undefined) return undefined;
  const seen = option.hint === "promise" || option.hint === "note";
  return seen ? Math.min(6_000, option.maxLength * 4) : option.maxLength;
}
