/**
 * How Discord people and channels look to the core. These shapes are a contract: the core stores
 * them, so changing one would split a person or a chat in two.
 */

import { ChannelType, type Interaction, type User } from "discord.js";
import type { Actor, ChatRef, PersonRef } from "../../src/types";

/** A member as an interaction carries it: a GuildMember (`nickname`), or the raw API shape (`nick`). */
export type MemberLike = { nickname: string | null } | { nick?: string | null } | null | undefined;

/** The name people see: the server nickname, else the global display name, else the username. */
export function displayName(user: User, member?: MemberLike): string {
  const nick = member ? ("nickname" in member ? member.nickname : member.nick) : null;
  return nick || user.globalName || user.username;
}

/** The person who acted. `id` is the user id, which never changes (names and usernames do). */
export function actorOf(user: User, member?: MemberLike): Actor {
  return {
    platform: "discord",
    id: user.id,
    name: displayName(user, member),
    username: user.username,
    isBot: user.bot,
  };
}

/** A person picked in a User option: resolved to an id, so no username lookup is needed. */
export function personOf(user: User, member?: MemberLike): PersonRef {
  return { id: user.id, username: user.username, name: displayName(user, member), isBot: user.bot };
}

/**
 * The chat an interaction happened in: the channel id, a DM when it is outside any server and
 * not a group DM. The title is the channel's name where Discord sends one.
 */
export function chatOf(interaction: Interaction): ChatRef {
  const channel = interaction.channel;
  const isDm = !interaction.guildId && channel?.type !== ChannelType.GroupDM;
  const title = channel && "name" in channel && channel.name ? channel.name : undefined;
  return {
    platform: "discord",
    id: interaction.channelId ?? channel?.id ?? "",
    kind: isDm ? "dm" : "group",
    ...(title ? { title } : {}),
  };
}
