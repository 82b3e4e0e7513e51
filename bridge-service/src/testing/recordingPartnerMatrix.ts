import type { PartnerMatrix } from "../domain/partnerContext.js";

/** A PartnerMatrix that records what the domain asked of Matrix. */
export function createRecordingPartnerMatrix(options: { failRoomCreation?: boolean } = {}) {
  const published: string[] = [];
  const rooms: { requester: string; recipient: string; roomId: string }[] = [];
  const told: { kind: "received" | "accepted"; requestId: string; roomId?: string | null }[] = [];
  const ended: { roomId: string; blockedUserId: string }[] = [];
  let failRoomCreation = options.failRoomCreation ?? false;
  const matrix: PartnerMatrix = {
    async publishProfile(profile) {
      published.push(profile.userId);
    },
    async createPartnerRoom({ requester, recipient }) {
      if (failRoomCreation) throw new Error("homeserver unavailable");
      const roomId = `!room${rooms.length + 1}:localhost`;
      rooms.push({ requester: requester.userId, recipient: recipient.userId, roomId });
      return roomId;
    },
    async tellRequestReceived(request) {
      told.push({ kind: "received", requestId: request.id });
    },
    async tellRequestAccepted(request, roomId) {
      told.push({ kind: "accepted", requestId: request.id, roomId });
    },
    async displayNameOf(userId) {
      return `Name of ${userId}`;
    },
    async endPartnerRoom(roomId, blockedUserId) {
      ended.push({ roomId, blockedUserId });
    },
  };
  return {
    matrix,
    published,
    rooms,
    told,
    ended,
    setRoomCreationFails(fails: boolean) {
      failRoomCreation = fails;
    },
  };
}
