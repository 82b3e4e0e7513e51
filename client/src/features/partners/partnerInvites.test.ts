import type { Room } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import type { Partner } from "../../api/partnerTypes";
import { botUserIdFor } from "../../matrix/xstreamBot";
import {
  isPartnerRoomInvite,
  PartnerInviteJoiner,
  type PartnerInviteJoinerDeps,
} from "./partnerInvites";

const ME = "@tom:localhost";
const BOT = "@xstream:localhost";
const ROOM = "!partner:localhost";

const partner = (roomId: string | null): Partner => ({
  user_id: "@lucia:localhost",
  display_name: "Lucía",
  room_id: roomId,
  since: "2026-01-01T00:00:00Z",
  native: ["es"],
  learning: [],
});

describe("which invites are a partnership's room", () => {
  it("takes the bot's invite to a room the bridge lists as a partnership", () => {
    expect(botUserIdFor(ME)).toBe(BOT);
    expect(isPartnerRoomInvite({ roomId: ROOM, inviter: BOT }, BOT, [partner(ROOM)])).toEqual(
      partner(ROOM),
    );
  });

  it("refuses a forged invite naming the partner room from someone else", () => {
    expect(
      isPartnerRoomInvite({ roomId: ROOM, inviter: "@xstream:evil.example" }, BOT, [partner(ROOM)]),
    ).toBeNull();
    expect(isPartnerRoomInvite({ roomId: ROOM, inviter: null }, BOT, [partner(ROOM)])).toBeNull();
  });

  it("takes a partner organisation's bot's invite to the room of its own learner's partnership", () => {
    const remote: Partner = { ...partner(ROOM), user_id: "@bjorn:b.example" };
    expect(
      isPartnerRoomInvite({ roomId: ROOM, inviter: "@xstream:b.example" }, BOT, [remote]),
    ).toEqual(remote);
    // Another organisation's bot cannot claim that room, nor that bot a local partner's room.
    expect(
      isPartnerRoomInvite({ roomId: ROOM, inviter: "@xstream:c.example" }, BOT, [remote]),
    ).toBeNull();
    expect(
      isPartnerRoomInvite({ roomId: ROOM, inviter: "@xstream:b.example" }, BOT, [partner(ROOM)]),
    ).toBeNull();
  });

  it("refuses the bot's invite to a room the bridge does not list", () => {
    expect(
      isPartnerRoomInvite({ roomId: "!other:localhost", inviter: BOT }, BOT, [
        partner(ROOM),
        partner(null),
      ]),
    ).toBeNull();
  });
});

function invitedRoom(roomId: string, inviter: string): Room & { membership: string } {
  const room = {
    roomId,
    membership: "invite",
    getMyMembership: () => room.membership,
    getMember: (userId: string) =>
      userId === ME
        ? {
            events: {
              member: { getContent: () => ({ membership: "invite" }), getSender: () => inviter },
            },
          }
        : null,
  };
  return room as unknown as Room & { membership: string };
}

function joinerWith(rooms: Room[], partners: () => Promise<Partner[]>) {
  const joinRoom = vi.fn(async (roomId: string) => {
    const room = rooms.find((r) => r.roomId === roomId) as Room & { membership: string };
    room.membership = "join";
    return room;
  });
  const onJoined = vi.fn();
  const deps: PartnerInviteJoinerDeps = {
    client: {
      getUserId: () => ME,
      getRooms: () => rooms,
      joinRoom: joinRoom as never,
      on: vi.fn() as never,
      off: vi.fn() as never,
    },
    partners,
    onJoined,
    wait: async () => {},
  };
  return { joiner: new PartnerInviteJoiner(deps), joinRoom, onJoined };
}

describe("joining partner rooms without asking", () => {
  it("joins the bot's partner-room invite and says who the partner is", async () => {
    const { joiner, joinRoom, onJoined } = joinerWith([invitedRoom(ROOM, BOT)], async () => [
      partner(ROOM),
    ]);
    joiner.start();
    await vi.waitFor(() => expect(joinRoom).toHaveBeenCalledWith(ROOM));
    await vi.waitFor(() => expect(onJoined).toHaveBeenCalledWith(partner(ROOM), ROOM));
  });

  it("asks the bridge again while it has not recorded the room yet", async () => {
    const partners = vi
      .fn<() => Promise<Partner[]>>()
      .mockResolvedValueOnce([partner(null)])
      .mockRejectedValueOnce(new Error("502"))
      .mockResolvedValue([partner(ROOM)]);
    const { joiner, joinRoom } = joinerWith([invitedRoom(ROOM, BOT)], partners);
    joiner.start();
    await vi.waitFor(() => expect(joinRoom).toHaveBeenCalledTimes(1));
    expect(partners).toHaveBeenCalledTimes(3);
  });

  it("leaves other people's invites, and forged ones, to Accept/Decline", async () => {
    const partners = vi.fn(async () => [partner(ROOM)]);
    const { joiner, joinRoom } = joinerWith(
      [invitedRoom(ROOM, "@mallory:localhost"), invitedRoom("!group:localhost", BOT)],
      partners,
    );
    joiner.start();
    await vi.waitFor(() => expect(partners).toHaveBeenCalled());
    // The bot's invite to an unlisted room is asked about every retry, then left alone.
    await vi.waitFor(() => expect(partners).toHaveBeenCalledTimes(6));
    expect(joinRoom).not.toHaveBeenCalled();
  });
});
