import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ACCESS_TOKEN, FakeMediaServer, HOMESERVER, renderSignedIn } from "../test/fakeMediaServer";
import { Avatar, initialOf } from "./Avatar";

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The avatar's element (decorative, so found through its container). */
const avatarIn = (container: HTMLElement) => container.querySelector(".avatar") as HTMLElement;

describe("Avatar", () => {
  it("shows the name's initial when there is no picture", () => {
    const { container } = render(<Avatar name="ana Lima" size={40} />);
    const avatar = avatarIn(container);
    expect(avatar).toHaveTextContent("A");
    expect(avatar).toHaveAttribute("aria-hidden", "true");
    expect(avatar).toHaveStyle({ width: "40px", height: "40px" });
    expect(initialOf("  émile")).toBe("É");
    expect(initialOf("")).toBe("?");
  });

  it("shows the picture as the server's 96×96 crop, fetched with the access token", async () => {
    const server = new FakeMediaServer().install();
    server.put("mxc://example.org/ana", new Blob(["png"], { type: "image/png" }));
    const { container } = renderSignedIn(
      <Avatar name="Ana" mxcUrl="mxc://example.org/ana" size={32} />,
    );

    // The initial stands in while the picture loads.
    expect(avatarIn(container)).toHaveTextContent("A");
    await waitFor(() => expect(avatarIn(container).querySelector("img")).not.toBeNull());
    const picture = avatarIn(container).querySelector("img");
    expect(avatarIn(container)).not.toHaveTextContent("A");
    expect(await server.blobAt(picture?.getAttribute("src") ?? null)?.text()).toBe("png");
    expect(server.calls).toEqual([
      {
        url: `${HOMESERVER}/_matrix/client/v1/media/thumbnail/example.org/ana?width=96&height=96&method=crop`,
        authorization: `Bearer ${ACCESS_TOKEN}`,
      },
    ]);
  });

  it("keeps the initial when the picture cannot be loaded", async () => {
    const server = new FakeMediaServer().install();
    server.failWith = 404;
    const { container } = renderSignedIn(<Avatar name="Bob" mxcUrl="mxc://example.org/bob" />);

    // Thumbnail, then the whole file: both missing.
    await waitFor(() => expect(server.calls).toHaveLength(2));
    expect(avatarIn(container)).toHaveTextContent("B");
    expect(avatarIn(container).querySelector("img")).toBeNull();
  });

  it("goes back to the initial when the browser cannot show the picture", async () => {
    const server = new FakeMediaServer().install();
    server.put("mxc://example.org/broken", new Blob(["not an image"]));
    const { container } = renderSignedIn(<Avatar name="Carla" mxcUrl="mxc://example.org/broken" />);

    await waitFor(() => expect(avatarIn(container).querySelector("img")).not.toBeNull());
    avatarIn(container).querySelector("img")?.dispatchEvent(new Event("error"));

    await waitFor(() => expect(avatarIn(container)).toHaveTextContent("C"));
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
  });
});
