import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AudioBody } from "../../matrix/messageBody";
import { FakeMediaServer, HOMESERVER, renderSignedIn } from "../../test/fakeMediaServer";
import { AudioMessage } from "./AudioMessage";
import { FileMessage } from "./FileMessage";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const notes = {
  name: "notes.pdf",
  caption: null,
  media: { mxc: "mxc://example.org/notes", encryption: null },
  mimetype: "application/pdf",
  size: 48_213,
};

describe("FileMessage", () => {
  it("shows the file's name, kind and size without downloading it", () => {
    const server = new FakeMediaServer().install();
    renderSignedIn(<FileMessage body={notes} />);

    expect(screen.getByText("notes.pdf")).toBeInTheDocument();
    expect(screen.getByText("PDF · 48 KB")).toBeInTheDocument();
    expect(server.calls).toEqual([]);
  });

  it("downloads the file under its name when asked", async () => {
    const server = new FakeMediaServer().install();
    server.put("mxc://example.org/notes", new Blob(["%PDF-1.7"], { type: "application/pdf" }));
    const clicked: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    renderSignedIn(<FileMessage body={notes} />);

    await userEvent.setup().click(screen.getByRole("button", { name: "Download notes.pdf" }));

    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]?.download).toBe("notes.pdf");
    expect(await server.blobAt(clicked[0]?.href ?? null)?.text()).toBe("%PDF-1.7");
    expect(server.calls[0]?.url).toBe(
      `${HOMESERVER}/_matrix/client/v1/media/download/example.org/notes`,
    );
  });

  it("says why a download failed", async () => {
    const server = new FakeMediaServer().install();
    server.failWith = 404;
    renderSignedIn(<FileMessage body={notes} />);

    await userEvent.setup().click(screen.getByRole("button", { name: "Download notes.pdf" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't download the file: The file is no longer available.",
    );
  });
});

describe("AudioMessage", () => {
  const voice: AudioBody = {
    kind: "audio",
    name: "Voice message.webm",
    caption: null,
    media: { mxc: "mxc://example.org/voice", encryption: null },
    mimetype: "audio/webm",
    size: 4000,
    voice: true,
    durationMs: 4200,
  };

  it("plays a voice message, with its length", async () => {
    const server = new FakeMediaServer().install();
    server.put("mxc://example.org/voice", new Blob(["opus"], { type: "audio/webm" }));
    renderSignedIn(<AudioMessage body={voice} />);

    expect(screen.getByText("Voice message")).toBeInTheDocument();
    expect(screen.getByText("0:04")).toBeInTheDocument();
    expect(screen.getByText("4 seconds")).toBeInTheDocument();
    const player = await screen.findByLabelText("Voice message");
    expect(player.tagName).toBe("AUDIO");
    expect(player).toHaveAttribute("controls");
    expect(server.blobAt(player.getAttribute("src"))?.type).toBe("audio/webm");
  });
});
