import { afterEach, describe, expect, it, vi } from "vitest";
import { ACCESS_TOKEN, FakeMediaServer, HOMESERVER } from "../../test/fakeMediaServer";
import { encryptAttachment } from "./attachmentCrypto";
import { MediaLoader, mediaEndpoint } from "./mediaLoader";

afterEach(() => {
  vi.unstubAllGlobals();
});

function setup() {
  const server = new FakeMediaServer().install();
  const loader = new MediaLoader(() => ({ homeserverUrl: HOMESERVER, accessToken: ACCESS_TOKEN }));
  return { server, loader };
}

const plain = (mxc: string) => ({ mxc, encryption: null });

describe("authenticated media", () => {
  it("builds the v1 download and thumbnail URLs", () => {
    const media = plain("mxc://example.org/abc_123");
    expect(mediaEndpoint(`${HOMESERVER}/`, { kind: "download", media })).toBe(
      `${HOMESERVER}/_matrix/client/v1/media/download/example.org/abc_123`,
    );
    expect(
      mediaEndpoint(HOMESERVER, {
        kind: "thumbnail",
        media,
        width: 96,
        height: 96,
        method: "crop",
      }),
    ).toBe(
      `${HOMESERVER}/_matrix/client/v1/media/thumbnail/example.org/abc_123?width=96&height=96&method=crop`,
    );
    expect(mediaEndpoint(HOMESERVER, { kind: "download", media: plain("https://x/y") })).toBeNull();
  });

  it("fetches with the access token", async () => {
    const { server, loader } = setup();
    server.put("mxc://example.org/cat", new Blob(["meow"], { type: "image/png" }));

    const blob = await loader.load({
      kind: "thumbnail",
      media: plain("mxc://example.org/cat"),
      width: 640,
      height: 480,
      method: "scale",
    });

    expect(await blob.text()).toBe("meow");
    expect(server.calls).toEqual([
      {
        url: `${HOMESERVER}/_matrix/client/v1/media/thumbnail/example.org/cat?width=640&height=480&method=scale`,
        authorization: `Bearer ${ACCESS_TOKEN}`,
      },
    ]);
  });

  it("falls back to the whole file when the server has no thumbnail for it", async () => {
    const { server, loader } = setup();
    server.put("mxc://example.org/svg", new Blob(["<svg/>"]));
    server.noThumbnails = true;

    const blob = await loader.load({
      kind: "thumbnail",
      media: plain("mxc://example.org/svg"),
      width: 96,
      height: 96,
      method: "crop",
    });

    expect(await blob.text()).toBe("<svg/>");
    expect(server.calls.map((call) => call.url.split("/media/")[1])).toEqual([
      "thumbnail/example.org/svg?width=96&height=96&method=crop",
      "download/example.org/svg",
    ]);
  });

  it("decrypts an encrypted attachment, and refuses one whose hash does not match", async () => {
    const { server, loader } = setup();
    const { ciphertext, secrets } = await encryptAttachment(
      new TextEncoder().encode("private photo").buffer as ArrayBuffer,
    );
    server.put("mxc://example.org/enc", new Blob([ciphertext]));
    const encryption = { ...secrets, url: "mxc://example.org/enc" };

    const blob = await loader.load({
      kind: "download",
      media: { mxc: encryption.url, encryption },
      mimetype: "image/jpeg",
    });
    expect(await blob.text()).toBe("private photo");
    expect(blob.type).toBe("image/jpeg");

    const other = await encryptAttachment(
      new TextEncoder().encode("another").buffer as ArrayBuffer,
    );
    await expect(
      loader.load({
        kind: "download",
        media: { mxc: encryption.url, encryption: { ...encryption, hashes: other.secrets.hashes } },
      }),
    ).rejects.toThrow(/checksum/);
  });

  it("never hands out a blob that a browser would run as a page", async () => {
    const { server, loader } = setup();
    server.put(
      "mxc://example.org/page",
      new Blob(["<script>alert(1)</script>"], { type: "text/html" }),
    );

    const blob = await loader.load({
      kind: "download",
      media: plain("mxc://example.org/page"),
      mimetype: "text/html",
    });

    expect(blob.type).toBe("application/octet-stream");
  });

  it("says when the file is gone", async () => {
    const { loader } = setup();
    await expect(
      loader.load({ kind: "download", media: plain("mxc://example.org/missing") }),
    ).rejects.toThrow("The file is no longer available.");
  });
});
