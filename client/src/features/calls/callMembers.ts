import type { Room } from "matrix-js-sdk";
import type { CallMembership } from "matrix-js-sdk/lib/matrixrtc";
import { partnerIn } from "../../matrix/roomNaming";
import { type CallIntent, intentOf } from "../../matrix/rtcSdk";

/** The parts of a MatrixRTC membership the call code reads. */
export type MembershipLike = Pick<
  CallMembership,
  "userId" | "deviceId" | "rtcBackendIdentity" | "callIntent" | "createdTs" | "eventId"
> & {
  getTransport(oldest: MembershipLike): unknown;
};

/** Someone in a room's call, as people see it. */
export type CallPerson = { userId: string; name: string; avatarUrl: string | null };

type RoomLike = Pick<Room, "getMember">;

export function personIn(room: RoomLike | null, userId: string): CallPerson {
  const member = room?.getMember(userId);
  return {
    userId,
    name: member?.name || userId,
    avatarUrl: member?.getMxcAvatarUrl() ?? null,
  };
}

/** The people in a call, each once however many devices they joined with, earliest first. */
export function peopleInCall(
  room: RoomLike | null,
  memberships: readonly MembershipLike[],
): CallPerson[] {
  const seen = new Set<string>();
  const people: CallPerson[] = [];
  for (const membership of memberships) {
    if (seen.has(membership.userId)) continue;
    seen.add(membership.userId);
    people.push(personIn(room, membership.userId));
  }
  return people;
}

/**
 * What kind of call is on: what its members say, when they agree, else video (a voice call
 * that someone turned into a video call is one).
 */
export function callIntentOf(memberships: readonly MembershipLike[]): CallIntent | null {
  if (memberships.length === 0) return null;
  const said = memberships.map((m) => m.callIntent).filter((intent) => intent !== undefined);
  return said.length > 0 && said.every((intent) => intent === "audio")
    ? "audio"
    : intentOf(said[0]);
}

function isPresent(membership: string | undefined): boolean {
  return membership === "join" || membership === "invite";
}

/**
 * The other person of a one-to-one room, where a call rings them; null in a group. One-to-one as
 * the room list has it: `m.direct` lists the room, the invite that brought us in was marked
 * `is_direct` (the bot's partner rooms), or it is an unnamed room of two.
 */
export function directPartnerOf(
  room: Room,
  myUserId: string,
  directRoomIds: ReadonlySet<string>,
): string | null {
  const present = room.getMembers().filter((member) => isPresent(member.membership));
  const direct =
    directRoomIds.has(room.roomId) ||
    room.getDMInviter() !== undefined ||
    (present.length === 2 && present.some((member) => member.userId === myUserId));
  return direct ? (partnerIn(room, myUserId)?.userId ?? null) : null;
}
