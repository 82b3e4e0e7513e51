import type { EventType, ICreateRoomOpts, MatrixClient, Preset } from "matrix-js-sdk";
import { sdkValue } from "../../matrix/sdkValues";
import { describeError } from "../../ui/describeError";

const DIRECT = sdkValue<EventType.Direct>("m.direct");
const TRUSTED_PRIVATE_CHAT = sdkValue<Preset.TrustedPrivateChat>("trusted_private_chat");
/** MatrixRTC call membership, which every member of a chat may send (so both can call). */
const CALL_MEMBER_EVENT = "org.matrix.msc3401.call.member";

type DirectChatClient = Pick<
  MatrixClient,
  "getAccountData" | "setAccountData" | "getRoom" | "createRoom" | "getUserId" | "getCrypto"
>;

/** `m.direct` as a map of user id to room ids, whatever shape the account data has. */
function directRooms(content: unknown): Record<string, string[]> {
  if (!content || typeof content !== "object") return {};
  const rooms: Record<string, string[]> = {};
  for (const [userId, ids] of Object.entries(content)) {
    if (Array.isArray(ids)) rooms[userId] = ids.filter((id) => typeof id === "string");
  }
  return rooms;
}

/** A direct chat with `userId` I am still in, or still invited them to, if there is one. */
export function existingDirectChat(client: DirectChatClient, userId: string): string | null {
  const rooms = directRooms(client.getAccountData(DIRECT)?.getContent())[userId] ?? [];
  for (const roomId of rooms.toReversed()) {
    const room = client.getRoom(roomId);
    if (room?.getMyMembership() !== "join") continue;
    const membership = room.getMember(userId)?.membership;
    if (membership === "join" || membership === "invite") return roomId;
  }
  return null;
}

/**
 * Whether a new chat with `userId` can be end-to-end encrypted: they have a device that can
 * receive keys (as Element decides). Otherwise they could not read it, from any client.
 */
async function canEncryptFor(client: DirectChatClient, userId: string): Promise<boolean> {
  const crypto = client.getCrypto();
  if (!crypto) return false;
  try {
    const devices = await crypto.getUserDeviceInfo([userId], true);
    return (devices.get(userId)?.size ?? 0) > 0;
  } catch {
    return false;
  }
}

/**
 * Opens a direct chat with `userId`: the one we already have, or a new room that invites them,
 * marked direct for both (`is_direct` on the invite, `m.direct` in my account data), encrypted
 * when they have a device that can read it. Resolves to the room id; rejects with a message.
 */
export async function startDirectChat(client: DirectChatClient, userId: string): Promise<string> {
  const existing = existingDirectChat(client, userId);
  if (existing) return existing;
  const encrypted = await canEncryptFor(client, userId);
  const options: ICreateRoomOpts = {
    preset: TRUSTED_PRIVATE_CHAT,
    is_direct: true,
    invite: [userId],
    power_level_content_override: { events: { [CALL_MEMBER_EVENT]: 0 } },
    ...(encrypted && {
      initial_state: [
        {
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        },
      ],
    }),
  };
  let roomId: string;
  try {
    ({ room_id: roomId } = await client.createRoom(options));
  } catch (error) {
    throw new Error(`Couldn't start the chat: ${describeError(error)}`);
  }
  const direct = directRooms(client.getAccountData(DIRECT)?.getContent());
  direct[userId] = [...(direct[userId] ?? []), roomId];
  // The room exists either way; the list only files it under direct chats sooner.
  await client.setAccountData(DIRECT, direct).catch(() => {});
  return roomId;
}
