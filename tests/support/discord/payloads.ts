/**
 * Discord API objects the fake sends, typed with discord-api-types: channels, the guild, members,
 * messages and slash-command option data, plus readers for what tests check (buttons, pings).
 */

import {
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIChannel,
  type APIComponentInMessageActionRow,
  type APIGuild,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIUser,
  ApplicationCommandOptionType,
  type ChannelFlags,
  ChannelType,
  ComponentType,
  type GatewayGuildCreateDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  type RoleFlags,
} from "discord-api-types/v10";
import type { FakeChannel, FakeUser, OptionValue, Pings } from "./types";

/** Every permission bit a member holds in the fake guild. */
export const ALL_PERMISSIONS = "2248473465835073";
const JOINED = "2026-01-01T00:00:00.000Z";

/** A channel as the API shows it. */
export function channelJson(channel: FakeChannel, guildId: string, recipient?: APIUser): APIChannel {
  if (channel.type === ChannelType.DM) {
    return {
      id: channel.id,
      type: ChannelType.DM,
      name: null,
      last_message_id: null,
      flags: 0 as ChannelFlags,
      recipients: recipient ? [recipient] : [],
    };
  }
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: channel.name ?? "channel",
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

/** A member of the guild, as an interaction carries it. */
export function memberJson(who: FakeUser): APIInteractionGuildMember {
  return {
    user: who.user,
    nick: who.nick ?? null,
    avatar: null,
    roles: [],
    joined_at: JOINED,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
    permissions: ALL_PERMISSIONS,
  };
}

/** GUILD_CREATE for the one guild: without it after READY, discord.js waits 15 s for it. */
export function guildCreate(
  guild: { id: string; name: string; ownerId: string },
  channels: APIChannel[],
  memberCount: number,
): GatewayGuildCreateDispatchData {
  const base: APIGuild = {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: "",
    afk_channel_id: null,
    afk_timeout: 60,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [
      {
        id: guild.id,
        name: "@everyone",
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: ALL_PERMISSIONS,
        managed: false,
        mentionable: false,
        flags: 0 as RoleFlags,
      },
    ],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishGB,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
  return {
    ...base,
    joined_at: JOINED,
    large: false,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members: [],
    channels: channels as GatewayGuildCreateDispatchData["channels"],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message as the API returns it. */
export function messageJson(fields: {
  id: string;
  channelId: string;
  guildId?: string;
  author: APIUser;
  body: Record<string, unknown>;
  attachments: { id: string; name: string; size: number }[];
  fromInteraction: boolean;
}): APIMessage {
  const { body } = fields;
  return {
    id: fields.id,
    channel_id: fields.channelId,
    author: fields.author,
    content: String(body.content ?? ""),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: fields.attachments.map((a) => ({
      id: a.id,
      filename: a.name,
      size: a.size,
      url: `https://cdn.example/${a.name}`,
      proxy_url: `https://cdn.example/${a.name}`,
    })),
    embeds: [],
    pinned: false,
    type: fields.fromInteraction ? MessageType.ChatInputCommand : MessageType.Default,
    flags: Number(body.flags ?? 0),
    components: (body.components ?? []) as APIActionRowComponent<APIComponentInMessageActionRow>[],
    ...(body.nonce !== undefined ? { nonce: body.nonce as string } : {}),
    ...(fields.guildId ? { guild_id: fields.guildId } : {}),
  } as APIMessage;
}

/**
 * One typed option value as an interaction carries it, checked against the registered option as
 * Discord's client would check it: type, length, choices, range. A user also lands in `resolved`.
 */
export function optionData(
  option: APIApplicationCommandOption,
  value: OptionValue,
  resolved: APIInteractionDataResolved,
  inGuild: boolean,
): APIApplicationCommandInteractionDataOption {
  const { name } = option;
  switch (option.type) {
    case ApplicationCommandOptionType.String: {
      if (typeof value !== "string") throw new Error(`${name} takes text`);
      if (option.max_length !== undefined && value.length > option.max_length)
        throw new Error(`${name} too long`);
      if ("choices" in option && option.choices && !option.choices.some((c) => c.value === value)) {
        throw new Error(`${name} must be one of its choices`);
      }
      return { name, type: option.type, value };
    }
    case ApplicationCommandOptionType.Integer: {
      if (typeof value !== "number" || !Number.isInteger(value)) throw new Error(`${name} takes an integer`);
      const min = "min_value" in option ? option.min_value : undefined;
      const max = "max_value" in option ? option.max_value : undefined;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        throw new Error(`${name} out of range`);
      }
      return { name, type: option.type, value };
    }
    case ApplicationCommandOptionType.Boolean:
      if (typeof value !== "boolean") throw new Error(`${name} takes true or false`);
      return { name, type: option.type, value };
    case ApplicationCommandOptionType.User: {
      if (typeof value !== "object") throw new Error(`${name} takes a user`);
      resolved.users = { ...resolved.users, [value.user.id]: value.user };
      if (inGuild) {
        const { user: _user, ...member } = memberJson(value);
        resolved.members = { ...resolved.members, [value.user.id]: member };
      }
      return { name, type: option.type, value: value.user.id };
    }
    default:
      throw new Error(`option type ${option.type} is not used by Amends`);
  }
}

/** A button as tests read it. */
export interface ShownButton {
  label: string;
  custom_id: string;
  style: number;
  disabled: boolean;
}

/** The buttons of a message, flattened. */
export function buttonsOf(message: APIMessage): ShownButton[] {
  const out: ShownButton[] = [];
  for (const row of message.components ?? []) {
    if (row.type !== ComponentType.ActionRow) continue;
    for (const c of row.components) {
      if (c.type === ComponentType.Button && "custom_id" in c) {
        out.push({
          label: c.label ?? "",
          custom_id: c.custom_id,
          style: c.style,
          disabled: c.disabled === true,
        });
      }
    }
  }
  return out;
}

/**
 * Whom a message notifies, by Discord's rules: without `allowed_mentions` everything in the
 * content pings; with it, `@everyone`/`@here` only under `parse: ["everyone"]`, a role only under
 * `parse: ["roles"]` or when listed, a user only under `parse: ["users"]` or when listed.
 */
export function pingsOf(content: string, allowed: APIAllowedMentions | undefined): Pings {
  const parse: string[] = allowed ? (allowed.parse ?? []) : ["everyone", "roles", "users"];
  const everyone = /@(everyone|here)\b/.test(content) && parse.includes("everyone");
  const roles = [...content.matchAll(/<@&(\d+)>/g)]
    .map((x) => x[1] ?? "")
    .filter((id) => parse.includes("roles") || (allowed?.roles ?? []).includes(id));
  const users = [...content.matchAll(/<@!?(\d+)>/g)]
    .map((x) => x[1] ?? "")
    .filter((id) => parse.includes("users") || (allowed?.users ?? []).includes(id));
  return { everyone, roles: [...new Set(roles)], users: [...new Set(users)] };
}
