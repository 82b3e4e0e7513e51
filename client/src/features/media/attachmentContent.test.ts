import { describe, expect, it } from "vitest";
import type { EncryptedFile } from "../../matrix/media/mediaRef";
import {
  fileContent,
  imageContent,
  msgtypeFor,
  voiceContent,
  voiceFileName,
} from "./attachmentContent";

const encryptedFile: EncryptedFile = {
  url: "mxc://example.org/cipher",
  key: { kty: "oct", key_ops: ["encrypt", "decrypt"], alg: "A256CTR", k: "a2V5", ext: true },
  iv: "aXY",
  hashes: { sha256: "aGFzaA" },
  v: "v2",
};

describe("attachment content", () => {
  it("describes an image with its size, type and thumbnail", () => {
    expect(
      imageContent(
        { name: "beach.jpg", mimetype: "image/jpeg", size: 2_400_000, width: 4000, height: 3000 },
        { kind: "plain", mxc: "mxc://example.org/beach" },
        {
          uploaded: { kind: "plain", mxc: "mxc://example.org/beach-thumb" },
          info: { w: 800, h: 600, mimetype: "image/jpeg", size: 90_000 },
        },
      ),
    ).toEqual({
      msgtype: "m.image",
      body: "beach.jpg",
      filename: "beach.jpg",
      url: "mxc://example.org/beach",
      info: {
        w: 4000,
        h: 3000,
        mimetype: "image/jpeg",
        size: 2_400_000,
        thumbnail_url: "mxc://example.org/beach-thumb",
        thumbnail_info: { w: 800, h: 600, mimetype: "image/jpeg", size: 90_000 },
      },
    });
  });

  it("puts an encrypted image in `file` and its thumbnail in `thumbnail_file`, never `url`", () => {
    const content = imageContent(
      { name: "a.png", mimetype: "image/png", size: 10, width: 1, height: 1 },
      { kind: "encrypted", file: encryptedFile },
      {
        uploaded: { kind: "encrypted", file: { ...encryptedFile, url: "mxc://example.org/t" } },
        info: { w: 1, h: 1, mimetype: "image/png", size: 5 },
      },
    );
    expect(content).not.toHaveProperty("url");
    expect(content).toMatchObject({ file: encryptedFile });
    expect(content.info).not.toHaveProperty("thumbnail_url");
    expect(content.info.thumbnail_file?.url).toBe("mxc://example.org/t");
  });

  it("leaves out the thumbnail of a small image", () => {
    const content = imageContent(
      { name: "icon.png", mimetype: "image/png", size: 900, width: 64, height: 64 },
      { kind: "plain", mxc: "mxc://example.org/icon" },
    );
    expect(content.info).toEqual({ w: 64, h: 64, mimetype: "image/png", size: 900 });
  });

  it("describes a file with its name, size and type", () => {
    expect(
      fileContent(
        "m.file",
        { name: "notes.pdf", mimetype: "application/pdf", size: 48_213 },
        { kind: "plain", mxc: "mxc://example.org/notes" },
      ),
    ).toEqual({
      msgtype: "m.file",
      body: "notes.pdf",
      filename: "notes.pdf",
      url: "mxc://example.org/notes",
      info: { mimetype: "application/pdf", size: 48_213 },
    });
    expect(
      fileContent(
        "m.video",
        {
          name: "v.mp4",
          mimetype: "video/mp4",
          size: 5,
          width: 640,
          height: 360,
          durationMs: 1234.6,
        },
        { kind: "encrypted", file: encryptedFile },
      ),
    ).toEqual({
      msgtype: "m.video",
      body: "v.mp4",
      filename: "v.mp4",
      file: encryptedFile,
      info: { mimetype: "video/mp4", size: 5, w: 640, h: 360, duration: 1235 },
    });
  });

  it("describes a voice message as Element sends it", () => {
    expect(
      voiceContent(
        { mimetype: "audio/webm", size: 4_000, durationMs: 2_345.4, waveform: [0, 0.5, 1, 1.7] },
        { kind: "plain", mxc: "mxc://example.org/voice" },
      ),
    ).toEqual({
      msgtype: "m.audio",
      body: "Voice message",
      url: "mxc://example.org/voice",
      info: { mimetype: "audio/webm", size: 4_000, duration: 2_345 },
      "org.matrix.msc1767.text": "Voice message",
      "org.matrix.msc1767.file": {
        url: "mxc://example.org/voice",
        name: "Voice message.webm",
        mimetype: "audio/webm",
        size: 4_000,
      },
      "org.matrix.msc1767.audio": { duration: 2_345, waveform: [0, 512, 1024, 1024] },
      "org.matrix.msc3245.voice": {},
    });
  });

  it("carries an encrypted voice message's key in both places clients look", () => {
    const content = voiceContent(
      { mimetype: "audio/ogg", size: 1, durationMs: 1000, waveform: [] },
      { kind: "encrypted", file: encryptedFile },
    );
    expect(content).not.toHaveProperty("url");
    expect(content).toMatchObject({ file: encryptedFile });
    expect(content["org.matrix.msc1767.file"]).toMatchObject({
      url: encryptedFile.url,
      file: encryptedFile,
    });
  });

  it("sends pictures browsers can show as images, anything else by its kind", () => {
    expect(msgtypeFor("image/png")).toBe("m.image");
    expect(msgtypeFor("image/svg+xml")).toBe("m.file");
    expect(msgtypeFor("video/webm")).toBe("m.video");
    expect(msgtypeFor("audio/mpeg")).toBe("m.audio");
    expect(msgtypeFor("application/pdf")).toBe("m.file");
    expect(voiceFileName("audio/ogg;codecs=opus")).toBe("Voice message.ogg");
  });
});
