import { serverNameOf } from "../domain/matrixIds.js";
import type { NewPartnership, PartnerMatrix } from "../domain/partnerContext.js";
import type { Profile } from "../domain/profiles.js";
import { exchangeWidgetState } from "../domain/widgetState.js";
import type { Logger } from "../logger.js";
import type { CreateRoomBody, HomeserverClient } from "../matrix/homeserver.js";
import type { SynapseAdmin } from "../matrix/synapseAdmin.js";
import type { BotStore } from "../store/botStore.js";
import {
  exchangedLanguages,
  noticeContent,
  partnerWelcome,
  type RenderedReply,
  requestAcceptedNotice,
  requestReceivedNotice,
} from "./botReplies.js";

export interface PartnerMatrixDeps {
  homeserver: HomeserverClient;
  synapseAdmin: Pick<SynapseAdmin, "setProfileField" | "deleteProfileField">;
  botStore: Pick<BotStore, "directRoomOf">;
  botUserId: string;
  /** Our homeserver's name: only its users' profiles can be published. */
  serverName: string;
  /** The client's origin (PUBLIC_URL), where the Xstream widget's page is. */
  publicUrl: string;
  logger: Logger;
}

/** The custom profile field (MSC4133) carrying a learner's languages. */
export const LANGUAGES_FIELD = "org.xstream.languages";
/** The spec's time zone profile field. */
export const TIME_ZONE_FIELD = "m.tz";

/** `org.xstream.languages`: native languages (level "native") first, then those learnt. */
export function languagesFieldValue(
  profile: Pick<Profile, "native" | "learning">,
): { language: string; level: string }[] {
  return [
    ...profile.native.map((language) => ({ language, level: "native" })),
    ...profile.learning.map(({ language, level }) => ({ language, level })),
  ];
}

/**
 * Room versions 12 and later (MSC4289) give creators unlimited power and refuse them in the
 * power levels' `users`; earlier versions require the creator there.
 */
export function creatorsHaveImplicitPower(roomVersion: string): boolean {
  if (roomVersion.includes("hydra")) return true;
  const number = Number(roomVersion);
  return Number.isInteger(number) && number >= 12;
}

const NAME_LENGTH = 40;
const short = (name: string) =>
  name.length > NAME_LENGTH ? `${name.slice(0, NAME_LENGTH - 1)}…` : name;

export function createPartnerMatrix({
  homeserver,
  synapseAdmin,
  botStore,
  botUserId,
  serverName,
  publicUrl,
  logger,
}: PartnerMatrixDeps): PartnerMatrix {
  // Asked once; a failure is not cached so the next room creation asks again.
  let roomVersion: Promise<string> | undefined;
  const defaultRoomVersion = () => {
    roomVersion ??= homeserver.defaultRoomVersion().catch((error: unknown) => {
      roomVersion = undefined;
      throw error;
    });
    return roomVersion;
  };

  /** Sends a notice to the user's DM with the bot, if they have one; never throws. */
  async function tellInDirectRoom(
    userId: string,
    reply: RenderedReply,
    txnId: string,
  ): Promise<void> {
    try {
      const roomId = await botStore.directRoomOf(userId);
      // Learners without a DM with the bot see the news in the web client instead.
      if (!roomId) return;
      await homeserver.sendMessage(roomId, noticeContent(reply), txnId);
    } catch (error) {
      logger.warn({ err: error, userId, txnId }, "could not tell a learner through the bot");
    }
  }

  return {
    async publishProfile(profile) {
      if (serverNameOf(profile.userId) !== serverName) return;
      // Profiles travel to every homeserver that shares a room with the learner: only those who
      // chose to be found publish theirs, and hiding takes the fields away again.
      // Sequential: Synapse updates the user's profile row per field anyway.
      if (!profile.discoverable) {
        await synapseAdmin.deleteProfileField(profile.userId, LANGUAGES_FIELD);
        await synapseAdmin.deleteProfileField(profile.userId, TIME_ZONE_FIELD);
        return;
      }
      await synapseAdmin.setProfileField(
        profile.userId,
        LANGUAGES_FIELD,
        languagesFieldValue(profile),
      );
      await synapseAdmin.setProfileField(profile.userId, TIME_ZONE_FIELD, profile.timezone);
    },

    async createPartnerRoom(partnership: NewPartnership) {
      const { requester, recipient } = partnership;
      const users: Record<string, number> = { [requester.userId]: 100, [recipient.userId]: 100 };
      if (!creatorsHaveImplicitPower(await defaultRoomVersion())) users[botUserId] = 100;
      const [teaches, learns] = exchangedLanguages(partnership);
      const body: CreateRoomBody = {
        preset: "private_chat",
        is_direct: true,
        invite: [requester.userId, recipient.userId],
        name: `${short(requester.displayName)} & ${short(recipient.displayName)}`,
        topic: `Language exchange: ${teaches} ↔ ${learns}`,
        // Both partners run their room; the bot stays to help. At 100 they may set any state
        // event, the shared practice timer (`org.xstream.practice_timer`, at the preset's
        // state_default of 50) included, and move or remove the widget.
        power_level_content_override: { users },
        initial_state: [
          {
            type: "m.room.history_visibility",
            state_key: "",
            content: { history_visibility: "shared" },
          },
          // The Xstream widget, in Element's right panel.
          ...exchangeWidgetState(publicUrl, botUserId),
        ],
      };
      const roomId = await homeserver.createRoom(body);
      logger.info({ roomId, users: [requester.userId, recipient.userId] }, "partner room created");
      try {
        await homeserver.sendMessage(
          roomId,
          noticeContent(partnerWelcome(partnership), [requester.userId, recipient.userId]),
          `xstream-welcome-${roomId}`,
        );
      } catch (error) {
        // The room exists and both are invited; failing here would make the caller create a
        // second room.
        logger.warn({ err: error, roomId }, "could not post the welcome message");
      }
      return roomId;
    },

    async tellRequestReceived(request, requester) {
      await tellInDirectRoom(
        request.recipient.userId,
        requestReceivedNotice(request, requester),
        `xstream-request-${request.id}-received`,
      );
    },

    async tellRequestAccepted(request, roomId) {
      await tellInDirectRoom(
        request.requester.userId,
        requestAcceptedNotice(request, roomId, serverName),
        `xstream-request-${request.id}-accepted`,
      );
    },

    async endPartnerRoom(roomId, blockedUserId) {
      // The bot created the room: from room version 12 its creator power outranks both
      // partners' 100; in older versions the kick is refused and the caller logs it.
      await homeserver.kick(roomId, blockedUserId, "This language exchange has ended.");
      logger.info({ roomId }, "partner room ended after a block");
    },

    async displayNameOf(userId) {
      try {
        return await homeserver.displayNameOf(userId);
      } catch (error) {
        // Remote profiles go over federation, which may be slow or down; the name is cosmetic.
        logger.debug({ err: error, userId }, "display name lookup failed");
        return undefined;
      }
    },
  };
}
