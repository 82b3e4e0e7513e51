import type { MatrixEvent, Room } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { rememberRoomEncryption } from "./roomEncryptionAnswers";

const ROOM = "!chat:localhost";
const OTHER = "!other:localhost";

/** A stand-in for the Rust crypto: a store of encrypted rooms that takes a while to read. */
function fakeCrypto({ storeFails = false } = {}) {
  const encrypted = new Set<string>();
  let storing: (() => void) | null = null;
  const read = vi.fn(async (roomId: string) => encrypted.has(roomId));
  const crypto = {
    isEncryptionEnabledInRoom: read,
    onCryptoEvent: async (room: Room, _event: MatrixEvent) => {
      // The crypto stores the room's settings a moment later, as IndexedDB does.
      await new Promise<void>((resolve) => {
        storing = resolve;
      });
      if (storeFails) throw new Error("store closed");
      encrypted.add(room.roomId);
    },
  };
  return { crypto, read, reads: () => read.mock.calls.length, finishStoring: () => storing?.() };
}

const room = (roomId: string) => ({ roomId }) as Room;
const encryptionEvent = {} as MatrixEvent;

describe("rememberRoomEncryption", () => {
  it("reads each room's answer once, however many messages are sent", async () => {
    const { crypto, reads } = fakeCrypto();
    rememberRoomEncryption(crypto);

    for (let i = 0; i < 5; i++) expect(await crypto.isEncryptionEnabledInRoom(ROOM)).toBe(false);
    expect(await crypto.isEncryptionEnabledInRoom(OTHER)).toBe(false);

    expect(reads()).toBe(2);
  });

  it("asks again once the room's encryption event has come, so the next message is encrypted", async () => {
    const { crypto, finishStoring } = fakeCrypto();
    rememberRoomEncryption(crypto);
    expect(await crypto.isEncryptionEnabledInRoom(ROOM)).toBe(false);

    const learning = crypto.onCryptoEvent(room(ROOM), encryptionEvent);
    // Asked while the crypto is still storing it: the store's old answer, as the SDK would get.
    expect(await crypto.isEncryptionEnabledInRoom(ROOM)).toBe(false);
    finishStoring();
    await learning;

    expect(await crypto.isEncryptionEnabledInRoom(ROOM)).toBe(true);
  });

  it("keeps an answer for other rooms when one room's encryption event comes", async () => {
    const { crypto, reads, finishStoring } = fakeCrypto();
    rememberRoomEncryption(crypto);
    await crypto.isEncryptionEnabledInRoom(OTHER);

    const learning = crypto.onCryptoEvent(room(ROOM), encryptionEvent);
    finishStoring();
    await learning;
    await crypto.isEncryptionEnabledInRoom(OTHER);

    expect(reads()).toBe(1);
  });

  it("forgets the answer even when the crypto fails to store the event", async () => {
    const { crypto, reads, finishStoring } = fakeCrypto({ storeFails: true });
    rememberRoomEncryption(crypto);
    await crypto.isEncryptionEnabledInRoom(ROOM);

    const learning = crypto.onCryptoEvent(room(ROOM), encryptionEvent);
    finishStoring();
    await expect(learning).rejects.toThrow("store closed");
    await crypto.isEncryptionEnabledInRoom(ROOM);

    expect(reads()).toBe(2);
  });

  it("does not remember a failed read", async () => {
    const { crypto, read, reads } = fakeCrypto();
    read.mockRejectedValueOnce(new Error("IndexedDB closed"));
    rememberRoomEncryption(crypto);

    await expect(crypto.isEncryptionEnabledInRoom(ROOM)).rejects.toThrow("IndexedDB closed");
    expect(await crypto.isEncryptionEnabledInRoom(ROOM)).toBe(false);

    expect(reads()).toBe(2);
  });

  it("leaves a crypto of another shape alone", async () => {
    const isEncryptionEnabledInRoom = vi.fn(async () => true);
    const crypto = { isEncryptionEnabledInRoom };
    rememberRoomEncryption(crypto);
    rememberRoomEncryption(undefined);

    expect(crypto.isEncryptionEnabledInRoom).toBe(isEncryptionEnabledInRoom);
  });
});
