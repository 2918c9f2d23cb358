/**
 * How Discord people and channels look to the core, read from the interaction as Discord sends
 * it (the gateway's INTERACTION_CREATE and the HTTP endpoint carry the same JSON). These shapes
 * are a contract: the core stores them, so changing one would split a person or a chat in two.
 */

import { type APIInteraction, type APIUser, ChannelType } from "discord.js";
import type { Actor, ChatRef, PersonRef } from "../../src/types";

/** A member as an interaction carries it (a resolved member has no `user`; the nick is enough). */
export type MemberLike = { nick?: string | null } | null | undefined;

/** The name people see: the server nickname, else the global display name, else the username. */
export function displayName(user: APIUser, member?: MemberLike): string {
  return member?.nick || user.global_name || user.username;
}

/** Who sent an interaction: the member's user in a server, `user` in a DM. */
export function userOf(interaction: APIInteraction): APIUser | undefined {
  return interaction.member?.user ?? interaction.user;
}

/** The person who acted. `id` is the user id, which never changes (names and usernames do). */
export function actorOf(user: APIUser, member?: MemberLike): Actor {
  return {
    platform: "discord",
    id: user.id,
    name: displayName(user, member),
    username: user.username,
    isBot: user.bot === true,
  };
}

/** A person picked in a User option: resolved to an id, so no username lookup is needed. */
export function personOf(user: APIUser, member?: MemberLike): PersonRef {
  return { id: user.id, username: user.username, name: displayName(user, member), isBot: user.bot === true };
}

/**
 * The chat an interaction happened in: the channel id, a DM when it is outside any server and
 * not a group DM. The title is the channel's name where Discord sends one.
 */
export function chatOf(interaction: APIInteraction): ChatRef {
  const channel = interaction.channel;
  const isDm = !interaction.guild_id && channel?.type !== ChannelType.GroupDM;
  const title = channel && "name" in channel && channel.name ? channel.name : undefined;
  return {
    platform: "discord",
    id: interaction.channel_id ?? channel?.id ?? "",
    kind: isDm ? "dm" : "group",
    ...(title ? { title } : {}),
  };
}
