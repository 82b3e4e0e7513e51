import type { MatrixClient, Room } from "matrix-js-sdk";
import type { Partner } from "../../api/partnerTypes";
import { listenTo } from "../../matrix/liveSubscribers";
import { MatrixEvents } from "../../matrix/sdkValues";
import { botUserIdFor } from "../../matrix/xstreamBot";

export type InviteFacts = { roomId: string; inviter: string | null };

/**
 * Whether an invite is the room of a partnership the learner asked for or accepted, so it is
 * theirs already: it must come from our bot, and the bridge's own partner list must name that
 * very room. An invite naming a partner's room from anyone else, or from the bot for a room the
 * bridge does not list, keeps its Accept/Decline.
 */
export function isPartnerRoomInvite(
  invite: InviteFacts,
  botUserId: string | null,
  partners: readonly Partner[],
): Partner | null {
  if (!botUserId || !invite.inviter) return null;
  const partner = partners.find((candidate) => candidate.room_id === invite.roomId);
  if (!partner) return null;
  // A partner organisation's learner's room is made by whichever bot's learner accepted: ours,
  // or the bot of the partner's own server (requests between organisations).
  return invite.inviter === botUserId || invite.inviter === botUserIdFor(partner.user_id)
    ? partner
    : null;
}

/** An invite from some organisation's bot (`@xstream:<any server>`), worth asking the bridge about. */
const isXstreamBot = (userId: string | null) => userId?.startsWith("@xstream:") === true;

/** Who invited me to `room`: the sender of my `invite` membership. */
export function inviterOf(room: Room, myUserId: string): string | null {
  const membership = room.getMember(myUserId)?.events?.member;
  return membership?.getContent().membership === "invite" ? (membership.getSender() ?? null) : null;
}

export type PartnerInviteJoinerDeps = {
  client: Pick<MatrixClient, "getUserId" | "getRooms" | "joinRoom" | "on" | "off">;
  partners: () => Promise<Partner[]>;
  onJoined: (partner: Partner, roomId: string) => void;
  /** Waits between asking the bridge again (the invite may arrive before it lists the room). */
  wait?: (ms: number) => Promise<void>;
};

/** How long after the invite the bridge may still be recording the room's id. */
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

/**
 * Joins the bot's partner-room invites without asking, once the bridge confirms the room is
 * the learner's partnership: on start (invites that came while away) and as they arrive.
 */
export class PartnerInviteJoiner {
  readonly #deps: PartnerInviteJoinerDeps;
  readonly #wait: (ms: number) => Promise<void>;
  readonly #handled = new Set<string>();
  #stopped = false;

  constructor(deps: PartnerInviteJoinerDeps) {
    this.#deps = deps;
    this.#wait = deps.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  start(): () => void {
    const { client } = this.#deps;
    const onMembership = (room: Room, membership: string) => {
      if (membership === "invite") void this.#consider(room);
    };
    const stop = listenTo(client, [[MatrixEvents.MyMembership, onMembership]]);
    for (const room of client.getRooms()) {
      if (room.getMyMembership() === "invite") void this.#consider(room);
    }
    return () => {
      this.#stopped = true;
      stop();
    };
  }

  async #consider(room: Room): Promise<void> {
    const { client } = this.#deps;
    const myUserId = client.getUserId();
    if (!myUserId || this.#handled.has(room.roomId)) return;
    const bot = botUserIdFor(myUserId);
    const invite = { roomId: room.roomId, inviter: inviterOf(room, myUserId) };
    if (!bot || !isXstreamBot(invite.inviter)) return;
    this.#handled.add(room.roomId);
    for (const delay of [0, ...RETRY_DELAYS_MS]) {
      if (delay > 0) await this.#wait(delay);
      if (this.#stopped || room.getMyMembership() !== "invite") return;
      let partner: Partner | null = null;
      try {
        partner = isPartnerRoomInvite(invite, bot, await this.#deps.partners());
      } catch {
        continue;
      }
      if (!partner) continue;
      try {
        await client.joinRoom(room.roomId);
        this.#deps.onJoined(partner, room.roomId);
      } catch {
        // Left as an invite: the Chats page still offers Accept.
      }
      return;
    }
  }
}
