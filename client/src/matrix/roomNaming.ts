import type { Room, RoomMember } from "matrix-js-sdk";
import { firstGrapheme } from "./graphemes";
import { FORWARDS } from "./sdkValues";
import { botUserIdFor } from "./xstreamBot";

/** In the room or on the way in: joined or invited. */
export function isPresent(member: RoomMember): boolean {
  return member.membership === "join" || member.membership === "invite";
}

/** The name the room was given (`m.room.name`), trimmed; null when it has none. */
export function explicitRoomName(room: Room): string | null {
  const event = room.getLiveTimeline().getState(FORWARDS)?.getStateEvents("m.room.name", "");
  const name = event?.getContent<{ name?: unknown }>().name;
  return typeof name === "string" && name.trim() !== "" ? name.trim() : null;
}

/**
 * The partner in a one-to-one room: the only other person in it, or, in a room someone else set
 * up for two people (the Xstream bot creates partner rooms and stays in them), the only one who
 * is neither me nor its creator.
 */
export function partnerIn(room: Room, myUserId: string): RoomMember | undefined {
  const others = room.getMembers().filter((m) => isPresent(m) && m.userId !== myUserId);
  if (others.length === 1) return others[0];
  const creator = room.getCreator();
  if (creator === myUserId) return undefined;
  const invited = others.filter((member) => member.userId !== creator);
  return invited.length === 1 ? invited[0] : undefined;
}

/**
 * The partner's name in a partner room (the bot names it after both partners, for Element; here
 * each side sees the other's name), else the room's own name if it has one, else (one-to-one
 * rooms) the partner's name, else what the SDK computed. `direct: false` (a group, as the room
 * list judges it) never takes a member's name.
 */
export function roomName(room: Room, myUserId: string, direct = true): string {
  const partner = direct ? partnerIn(room, myUserId) : undefined;
  if (partner?.name && room.getCreator() === botUserIdFor(myUserId)) return partner.name;
  const own = explicitRoomName(room);
  if (own) return own;
  return partner?.name || room.name || room.roomId;
}

/** Up to two initials: "Ana Lima" → "AL", "#study-group" → "S", "" → "?". */
export function initialsOf(name: string): string {
  const words = name
    .replace(/^[#@!+]/, "")
    .split(/[\s\-_.:]+/)
    .filter((word) => word !== "");
  const letters = words.slice(0, 2).map((word) => firstGrapheme(word).toLocaleUpperCase());
  return letters.join("") || "?";
}

/** The room ids that `m.direct` account data lists, whoever they are with. */
export function directRoomIds(content: unknown): Set<string> {
  const ids = new Set<string>();
  if (typeof content !== "object" || content === null) return ids;
  for (const rooms of Object.values(content)) {
    if (!Array.isArray(rooms)) continue;
    for (const roomId of rooms) if (typeof roomId === "string") ids.add(roomId);
  }
  return ids;
}
