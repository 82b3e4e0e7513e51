import type { Room, RoomMember } from "matrix-js-sdk";

/** What a member may do in the room, named as people see it. */
export type MemberRole = "Owner" | "Admin" | "Moderator" | null;

/** Someone in the room (joined or invited) as the members panel lists them. */
export type MemberView = {
  userId: string;
  displayName: string;
  avatarMxc: string | null;
  role: MemberRole;
  /** Whether I may remove them (kick a member, or withdraw an invite). */
  canRemove: boolean;
};

/** The room's people and what I may do about them. */
export type Roster = {
  joined: MemberView[];
  invited: MemberView[];
  canInvite: boolean;
};

export const EMPTY_ROSTER: Roster = { joined: [], invited: [], canInvite: false };

/** Room creators outrank everyone from room version 12 on: the SDK gives them Infinity. */
export function roleOf(powerLevel: number): MemberRole {
  if (powerLevel === Number.POSITIVE_INFINITY) return "Owner";
  if (powerLevel >= 100) return "Admin";
  if (powerLevel >= 50) return "Moderator";
  return null;
}

/** The level needed to invite; the spec's default is 0 (the SDK's helper assumes 50). */
function inviteLevel(room: Room): number {
  const content = room.currentState.getStateEvents("m.room.power_levels", "")?.getContent();
  return typeof content?.invite === "number" ? content.invite : 0;
}

function byName(a: MemberView, b: MemberView): number {
  return a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId);
}

/**
 * The roster of a room for `myUserId`, following the power levels as the server will enforce
 * them: I may remove someone when I have the kick level and outrank them (never myself), and
 * invite when I have the invite level.
 */
export function rosterOf(room: Room, myUserId: string): Roster {
  const state = room.currentState;
  const me = room.getMember(myUserId);
  const iAmIn = me?.membership === "join";
  const myLevel = me?.powerLevel ?? 0;
  const mayKick = iAmIn && state.hasSufficientPowerLevelFor("kick", myLevel);
  const view = (member: RoomMember): MemberView => ({
    userId: member.userId,
    displayName: member.name || member.userId,
    avatarMxc: member.getMxcAvatarUrl() ?? null,
    role: roleOf(member.powerLevel),
    canRemove: mayKick && member.userId !== myUserId && myLevel > member.powerLevel,
  });
  return {
    joined: room.getMembersWithMembership("join").map(view).sort(byName),
    invited: room.getMembersWithMembership("invite").map(view).sort(byName),
    canInvite: iAmIn && myLevel >= inviteLevel(room),
  };
}
