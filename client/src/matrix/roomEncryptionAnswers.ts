import type { MatrixEvent, Room } from "matrix-js-sdk";

/** What of the SDK's Rust crypto this needs: its question and the one way its answer changes. */
export interface RoomEncryptionSource {
  isEncryptionEnabledInRoom(roomId: string): Promise<boolean>;
  onCryptoEvent(room: Room, event: MatrixEvent): Promise<void>;
}

/**
 * Keeps the crypto's answers to "is this room encrypted?" in memory.
 *
 * matrix-js-sdk asks before every message it sends to a room whose state has no
 * `m.room.encryption` event: the crypto remembers every room that ever had one, so a server cannot
 * turn encryption off by dropping the event. The crypto reads that from IndexedDB each time, which
 * put 5–35 ms between the Enter key and the message leaving (measured in `npm run bench -- chat`).
 *
 * The crypto learns that a room is encrypted only from an `m.room.encryption` event handed to
 * `onCryptoEvent`. So a remembered answer is forgotten when such an event comes, before the
 * crypto stores it, and again once it has: a question asked meanwhile is asked afresh next time.
 * A crypto of another shape (an SDK that changed) is left as it is, and asked every time.
 */
export function rememberRoomEncryption(crypto: unknown): void {
  if (!isRoomEncryptionSource(crypto)) return;
  const ask = crypto.isEncryptionEnabledInRoom.bind(crypto);
  const learn = crypto.onCryptoEvent.bind(crypto);
  const answers = new Map<string, Promise<boolean>>();
  crypto.isEncryptionEnabledInRoom = (roomId) => {
    const known = answers.get(roomId);
    if (known) return known;
    const answer = ask(roomId);
    answers.set(roomId, answer);
    // A failed read is not an answer: the next question reads again.
    answer.catch(() => {
      if (answers.get(roomId) === answer) answers.delete(roomId);
    });
    return answer;
  };
  crypto.onCryptoEvent = async (room, event) => {
    answers.delete(room.roomId);
    try {
      await learn(room, event);
    } finally {
      answers.delete(room.roomId);
    }
  };
}

function isRoomEncryptionSource(crypto: unknown): crypto is RoomEncryptionSource {
  const candidate = crypto as Partial<RoomEncryptionSource> | null | undefined;
  return (
    typeof candidate?.isEncryptionEnabledInRoom === "function" &&
    typeof candidate.onCryptoEvent === "function"
  );
}
