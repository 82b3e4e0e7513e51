import type { Room, RoomMember } from "matrix-js-sdk";
import { FORWARDS } from "../../matrix/sdkValues";
import { botUserIdFor } from "../../matrix/xstreamBot";

/** Someone in the room, as the page lists them. */
export type RoomMemberView = { userId: string; displayName: string; avatarMxc?: string | null };

function isPresent(member: RoomMember): boolean {
  return member.membership === "join" || member.membership === "invite";
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
 * each side sees the other's name), else the room's own name if it has one, else the partner's
 * name in a one-to-one room.
 */
export function roomName(room: Room, myUserId: string): string {
  if (room.getCreator() === botUserIdFor(myUserId)) {
    const partner = partnerIn(room, myUserId)?.name;
    if (partner) return partner;
  }
  const nameEvent = room.getLiveTimeline().getState(FORWARDS)?.getStateEvents("m.room.name", "");
  const explicit = nameEvent?.getContent<{ name?: unknown }>().name;
  if (typeof explicit === "string" && explicit.trim() !== "") return explicit.trim();
  return partnerIn(room, myUserId)?.name || room.name || room.roomId;
}

export function joinedMembers(room: Room): RoomMemberView[] {
  return room
    .getJoinedMembers()
    .map((member) => ({ userId: member.userId, displayName: member.name || member.userId }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId));
}
