import type { Room } from "matrix-js-sdk";
import { type CallPerson, type MembershipLike, personIn } from "./callMembers";
import type { MediaSnapshot, MediaTrackHandle } from "./media";

/** One tile of the call view: someone's camera (or initials), or someone's shared screen. */
export type CallTile = {
  key: string;
  person: CallPerson;
  isLocal: boolean;
  kind: "camera" | "screen";
  speaking: boolean;
  microphoneOn: boolean;
  video: MediaTrackHandle | null;
  /** In the call, but their media has not reached us (yet). */
  connecting: boolean;
  /** Their media reaches us end-to-end encrypted. */
  encrypted: boolean;
};

/** Everyone else by membership (joined to their SFU participant), then us. */
export function callTiles(
  room: Pick<Room, "getMember">,
  memberships: readonly MembershipLike[],
  media: MediaSnapshot,
  myUserId: string,
  myDeviceId: string,
): { tiles: CallTile[]; remoteAudio: MediaTrackHandle[] } {
  const tiles: CallTile[] = [];
  const remoteAudio: MediaTrackHandle[] = [];
  for (const membership of memberships) {
    if (membership.userId === myUserId && membership.deviceId === myDeviceId) continue;
    const participant = media.participants.get(membership.rtcBackendIdentity);
    const person = personIn(room, membership.userId);
    tiles.push({
      key: membership.rtcBackendIdentity,
      person,
      isLocal: false,
      kind: "camera",
      speaking: participant?.speaking ?? false,
      microphoneOn: participant?.microphoneOn ?? false,
      video: participant?.camera ?? null,
      connecting: participant === undefined,
      encrypted: participant?.encrypted ?? false,
    });
    if (participant?.screenShare) {
      tiles.push(screenTile(membership.rtcBackendIdentity, person, false, participant.screenShare));
    }
    if (participant) remoteAudio.push(...participant.audio);
  }
  const me = media.localIdentity ? media.participants.get(media.localIdentity) : undefined;
  const myself = personIn(room, myUserId);
  tiles.push({
    key: "local",
    person: myself,
    isLocal: true,
    kind: "camera",
    speaking: me?.speaking ?? false,
    microphoneOn: media.microphoneOn,
    video: me?.camera ?? null,
    connecting: media.state !== "connected" && media.state !== "reconnecting",
    encrypted: me?.encrypted ?? false,
  });
  if (me?.screenShare) tiles.push(screenTile("local", myself, true, me.screenShare));
  return { tiles, remoteAudio };
}

function screenTile(
  key: string,
  person: CallPerson,
  isLocal: boolean,
  video: MediaTrackHandle,
): CallTile {
  return {
    key: `${key}:screen`,
    person,
    isLocal,
    kind: "screen",
    speaking: false,
    microphoneOn: false,
    video,
    connecting: false,
    encrypted: false,
  };
}
