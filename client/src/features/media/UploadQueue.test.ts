import { afterEach, describe, expect, it, vi } from "vitest";
import { decryptAttachment } from "../../matrix/media/attachmentCrypto";
import { FakeMatrixEvent } from "../../test/fakeMatrixRoom";
import { roomWithBob } from "../../test/fakeSendingClient";
import "../../test/fakeMediaServer";
import { withUploads } from "../../test/fakeUploads";
import type { MediaProbe } from "./mediaProbe";
import { UploadQueue } from "./UploadQueue";

const probe: MediaProbe = {
  imageSize: vi.fn(async () => ({ width: 4000, height: 3000 })),
  thumbnail: vi.fn(async () => ({
    blob: new Blob(["small"], { type: "image/jpeg" }),
    width: 800,
    height: 600,
  })),
  playable: vi.fn(async () => ({ durationMs: 61_000 })),
};

function setup(options: { encrypted?: boolean } = {}) {
  const { client: sending, room, roomId } = roomWithBob();
  const client = withUploads(sending);
  if (options.encrypted) {
    room.state.set(
      "m.room.encryption|",
      new FakeMatrixEvent({
        type: "m.room.encryption",
        sender: "@ana:example.org",
        stateKey: "",
        content: { algorithm: "m.megolm.v1.aes-sha2" },
      }),
    );
  }
  const queue = new UploadQueue(client.asClient(), roomId, { probe });
  return { client, room, roomId, queue };
}

const file = (name: string, type: string, size = 1000) =>
  new File([new Uint8Array(size)], name, { type });

afterEach(() => {
  vi.clearAllMocks();
});

describe("UploadQueue", () => {
  it("uploads a file with progress, then sends it as m.file", async () => {
    const { client, roomId, queue } = setup();

    await queue.addFiles([file("notes.pdf", "application/pdf", 2000)]);
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    const upload = client.uploads[0];
    expect(upload?.options).toMatchObject({ name: "notes.pdf", type: "application/pdf" });

    upload?.progress(500);
    expect(queue.getSnapshot().uploads).toEqual([
      expect.objectContaining({
        name: "notes.pdf",
        kind: "file",
        status: "uploading",
        loaded: 500,
        total: 2000,
        percent: 25,
      }),
    ]);

    upload?.finish();
    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      {
        msgtype: "m.file",
        body: "notes.pdf",
        filename: "notes.pdf",
        url: upload?.mxc,
        info: { mimetype: "application/pdf", size: 2000 },
      },
      "txn1",
    );
    // The message shows as a local echo now, not as an upload.
    expect(queue.getSnapshot().uploads).toEqual([]);
  });

  it("sends a large image with its size and a thumbnail uploaded beside it", async () => {
    const { client, queue } = setup();

    await queue.addFiles([file("beach.jpg", "image/jpeg", 3_000_000)]);
    await vi.waitFor(() => expect(client.uploads).toHaveLength(2));
    // Progress covers both: 3 MB of file and 5 bytes of thumbnail.
    client.uploads[0]?.progress(1_500_000);
    expect(queue.getSnapshot().uploads[0]?.total).toBe(3_000_005);
    for (const upload of client.uploads) upload.finish();

    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    expect(client.sendMessage.mock.calls[0]?.[1]).toEqual({
      msgtype: "m.image",
      body: "beach.jpg",
      filename: "beach.jpg",
      url: "mxc://example.org/upload1",
      info: {
        w: 4000,
        h: 3000,
        mimetype: "image/jpeg",
        size: 3_000_000,
        thumbnail_url: "mxc://example.org/upload2",
        thumbnail_info: { w: 800, h: 600, mimetype: "image/jpeg", size: 5 },
      },
    });
  });

  it("cancels an upload midway: it is gone and nothing is sent", async () => {
    const { client, queue } = setup();
    await queue.addFiles([file("big.zip", "application/zip", 10_000)]);
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    client.uploads[0]?.progress(4000);
    const [upload] = queue.getSnapshot().uploads;

    queue.cancel(upload?.id ?? "");

    expect(client.uploads[0]?.aborted).toBe(true);
    expect(queue.getSnapshot().uploads).toEqual([]);
    await Promise.resolve();
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  it("refuses a file over the server's limit before uploading anything", async () => {
    const { client, queue } = setup();
    client.maxUploadSize = 1_000_000;

    await queue.addFiles([
      file("holiday.mov", "video/quicktime", 2_500_000),
      file("ok.txt", "text/plain", 10),
    ]);

    expect(queue.getSnapshot().refusal).toBe(
      "“holiday.mov” (2.5 MB) is too large to send: this server accepts files up to 1 MB.",
    );
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    expect(client.uploads[0]?.options.name).toBe("ok.txt");
    queue.dismissRefusal();
    expect(queue.getSnapshot().refusal).toBeNull();
  });

  it("keeps a failed upload with its reason; Retry uploads it again, Remove drops it", async () => {
    const { client, queue } = setup();
    await queue.addFiles([file("a.pdf", "application/pdf"), file("b.pdf", "application/pdf")]);
    await vi.waitFor(() => expect(client.uploads).toHaveLength(2));

    client.uploads[0]?.fail(new Error("Network request failed"));
    client.uploads[1]?.fail(new Error("Network request failed"));
    await vi.waitFor(() =>
      expect(queue.getSnapshot().uploads.map((upload) => upload.status)).toEqual([
        "failed",
        "failed",
      ]),
    );
    const [first, second] = queue.getSnapshot().uploads;
    expect(first?.error).toBe("Network request failed");

    queue.remove(second?.id ?? "");
    queue.retry(first?.id ?? "");
    await vi.waitFor(() => expect(client.uploads).toHaveLength(3));
    client.uploads[2]?.finish();

    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    expect(client.sendMessage.mock.calls[0]?.[1]).toMatchObject({ body: "a.pdf" });
    expect(queue.getSnapshot().uploads).toEqual([]);
  });

  it("encrypts files in an encrypted room and sends `file`, not `url`", async () => {
    const { client, queue } = setup({ encrypted: true });
    const secret = new File([new TextEncoder().encode("secret notes")], "notes.txt", {
      type: "text/plain",
    });

    await queue.addFiles([secret]);
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    const upload = client.uploads[0];
    if (!upload) throw new Error("nothing was uploaded");
    // The server sees neither the name nor the type nor the text.
    expect(upload?.options).toMatchObject({
      type: "application/octet-stream",
      includeFilename: false,
    });
    expect(upload.options.name).toBeUndefined();
    const ciphertext = await upload.file.arrayBuffer();
    expect(new TextDecoder().decode(ciphertext)).not.toContain("secret");
    upload?.finish();

    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    const content = client.sendMessage.mock.calls[0]?.[1] as Record<string, unknown> & {
      file: Parameters<typeof decryptAttachment>[1] & { url: string };
    };
    expect(content).not.toHaveProperty("url");
    expect(content).toMatchObject({
      msgtype: "m.file",
      body: "notes.txt",
      info: { mimetype: "text/plain", size: 12 },
      file: { url: upload?.mxc, v: "v2", key: { alg: "A256CTR" } },
    });
    expect(new TextDecoder().decode(await decryptAttachment(ciphertext, content.file))).toBe(
      "secret notes",
    );
  });

  it("sends a voice recording as a voice message", async () => {
    const { client, queue } = setup();

    await queue.addVoice({
      blob: new Blob([new Uint8Array(300)], { type: "audio/webm" }),
      mimetype: "audio/webm",
      durationMs: 3200,
      waveform: [0.25, 1],
    });
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    expect(queue.getSnapshot().uploads[0]).toMatchObject({ name: "Voice message", kind: "voice" });
    client.uploads[0]?.finish();

    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    expect(client.sendMessage.mock.calls[0]?.[1]).toMatchObject({
      msgtype: "m.audio",
      body: "Voice message",
      url: "mxc://example.org/upload1",
      info: { mimetype: "audio/webm", size: 300, duration: 3200 },
      "org.matrix.msc1767.audio": { duration: 3200, waveform: [256, 1024] },
      "org.matrix.msc3245.voice": {},
    });
  });
});
