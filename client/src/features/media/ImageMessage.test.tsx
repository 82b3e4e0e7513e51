import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encryptAttachment } from "../../matrix/media/attachmentCrypto";
import type { ImageBody } from "../../matrix/messageBody";
import {
  ACCESS_TOKEN,
  FakeMediaServer,
  HOMESERVER,
  renderSignedIn,
} from "../../test/fakeMediaServer";
import { ImageMessage } from "./ImageMessage";

afterEach(() => {
  vi.unstubAllGlobals();
});

function beach(overrides: Partial<ImageBody> = {}): ImageBody {
  return {
    kind: "image",
    name: "beach.jpg",
    caption: null,
    media: { mxc: "mxc://example.org/beach", encryption: null },
    thumbnail: null,
    mimetype: "image/jpeg",
    size: 2_400_000,
    width: 4000,
    height: 3000,
    ...overrides,
  };
}

function setup() {
  const server = new FakeMediaServer().install();
  server.put("mxc://example.org/beach", new Blob(["jpeg bytes"], { type: "image/jpeg" }));
  return { server, user: userEvent.setup() };
}

const frame = () => screen.getByRole("button", { name: "Open image beach.jpg" });

describe("ImageMessage", () => {
  it("reserves the picture's box from its stated size before it loads", () => {
    setup();
    renderSignedIn(<ImageMessage body={beach()} />);

    // 4000×3000 scaled into 320×240, same aspect ratio.
    expect(frame()).toHaveStyle({ width: "320px", height: "240px" });
    expect(within(frame()).getByText("Loading image…")).toBeInTheDocument();
  });

  it("keeps a tall picture's shape, never enlarges a small one, and guesses a box without a size", () => {
    setup();
    const { unmount } = renderSignedIn(<ImageMessage body={beach({ width: 600, height: 1200 })} />);
    expect(frame()).toHaveStyle({ width: "120px", height: "240px" });
    unmount();

    const small = renderSignedIn(<ImageMessage body={beach({ width: 48, height: 32 })} />);
    expect(frame()).toHaveStyle({ width: "48px", height: "32px" });
    small.unmount();

    renderSignedIn(<ImageMessage body={beach({ width: null, height: null })} />);
    expect(frame()).toHaveStyle({ width: "240px", height: "180px" });
  });

  it("shows the server's thumbnail, fetched with the access token", async () => {
    const { server } = setup();
    renderSignedIn(<ImageMessage body={beach()} />);

    const picture = await within(frame()).findByRole("img", { name: "beach.jpg" });
    expect(server.calls[0]).toEqual({
      url: `${HOMESERVER}/_matrix/client/v1/media/thumbnail/example.org/beach?width=640&height=480&method=scale`,
      authorization: `Bearer ${ACCESS_TOKEN}`,
    });
    expect(await server.blobAt(picture.getAttribute("src"))?.text()).toBe("jpeg bytes");
  });

  it("decrypts an encrypted image", async () => {
    const { server } = setup();
    const { ciphertext, secrets } = await encryptAttachment(
      new TextEncoder().encode("secret jpeg").buffer as ArrayBuffer,
    );
    server.put("mxc://example.org/secret", new Blob([ciphertext]));
    const encryption = { ...secrets, url: "mxc://example.org/secret" };

    renderSignedIn(<ImageMessage body={beach({ media: { mxc: encryption.url, encryption } })} />);

    const picture = await screen.findByRole("img", { name: "beach.jpg" });
    const blob = server.blobAt(picture.getAttribute("src"));
    expect(await blob?.text()).toBe("secret jpeg");
    expect(blob?.type).toBe("image/jpeg");
    // An encrypted file has no server thumbnail: the whole file was downloaded.
    expect(server.calls.map((call) => call.url)).toEqual([
      `${HOMESERVER}/_matrix/client/v1/media/download/example.org/secret`,
    ]);
  });

  it("says when the picture cannot be loaded", async () => {
    const { server } = setup();
    server.failWith = 404;
    renderSignedIn(<ImageMessage body={beach()} />);

    expect(await within(frame()).findByText("Couldn't load the image")).toBeInTheDocument();
  });

  it("opens in a lightbox with a Download link; Escape closes it and focus returns", async () => {
    const { server, user } = setup();
    renderSignedIn(<ImageMessage body={beach({ caption: "Praia do Forte" })} />);
    expect(screen.getByText("Praia do Forte")).toBeInTheDocument();
    await within(frame()).findByRole("img");

    await user.click(frame());
    const dialog = screen.getByRole("dialog", { name: "beach.jpg" });
    expect(within(dialog).getByRole("button", { name: "Close" })).toHaveFocus();
    const download = await within(dialog).findByRole("link", { name: "Download" });
    expect(download).toHaveAttribute("download", "beach.jpg");
    const full = within(dialog).getByRole("img", { name: "beach.jpg" });
    expect(full).toHaveAttribute("src", download.getAttribute("href"));
    expect(server.calls.at(-1)?.url).toBe(
      `${HOMESERVER}/_matrix/client/v1/media/download/example.org/beach`,
    );

    // Tab stays inside the dialog: from Close (the last) round to Download, and back.
    await user.tab();
    expect(download).toHaveFocus();
    await user.tab({ shift: true });
    expect(within(dialog).getByRole("button", { name: "Close" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(frame()).toHaveFocus();
  });

  it("closes the lightbox with its Close button too", async () => {
    const { user } = setup();
    renderSignedIn(<ImageMessage body={beach()} />);

    await user.click(frame());
    await user.click(screen.getByRole("button", { name: "Close" }));

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(frame()).toHaveFocus();
  });
});
