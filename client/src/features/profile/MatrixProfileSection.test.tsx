import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeMediaServer, mediaClient, renderSignedIn } from "../../test/fakeMediaServer";
import { withUploads } from "../../test/fakeUploads";
import { statusSays } from "../../test/status";
import { MatrixProfileSection } from "./MatrixProfileSection";

afterEach(() => {
  vi.unstubAllGlobals();
});

function setup(
  profile: { displayname?: string; avatar_url?: string; failFirst?: boolean } = {
    displayname: "Ana",
  },
) {
  const server = new FakeMediaServer().install();
  let loads = 0;
  const client = withUploads(
    mediaClient({
      getProfileInfo: vi.fn(async (_userId: string) => {
        loads += 1;
        if (profile.failFirst && loads === 1) throw new Error("Network request failed");
        return { displayname: profile.displayname, avatar_url: profile.avatar_url };
      }),
      setDisplayName: vi.fn(async (_name: string) => ({})),
      setAvatarUrl: vi.fn(async (_url: string) => ({})),
    }),
  );
  const user = userEvent.setup();
  const view = renderSignedIn(<MatrixProfileSection client={client} />, client);
  const avatar = () => view.container.querySelector(".avatar") as HTMLElement;
  return { server, client, user, avatar };
}

const png = (name = "me.png") => new File(["png bytes"], name, { type: "image/png" });

describe("MatrixProfileSection", () => {
  it("shows the current name, and the initial when there is no picture", async () => {
    const { client, avatar } = setup({ displayname: "Ana Lima" });

    expect(await screen.findByLabelText("Display name")).toHaveValue("Ana Lima");
    expect(client.getProfileInfo).toHaveBeenCalledWith("@ana:example.org");
    expect(avatar()).toHaveTextContent("A");
    expect(screen.getByText("No picture yet: your initial is shown instead.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Remove picture" })).not.toBeInTheDocument();
  });

  it("changes the display name and says so", async () => {
    const { client, user } = setup();
    const field = await screen.findByLabelText("Display name");
    const save = screen.getByRole("button", { name: "Save name" });
    expect(save).toBeDisabled();

    await user.clear(field);
    await user.type(field, "  Ana Lima ");
    await user.click(save);

    expect(client.setDisplayName).toHaveBeenCalledWith("Ana Lima");
    await statusSays("Your display name is now “Ana Lima”.");
    expect(screen.getByLabelText("Display name")).toHaveValue("Ana Lima");
  });

  it("refuses a name longer than partner cards show, counting an emoji as one character", async () => {
    const { client, user } = setup();
    const field = await screen.findByLabelText("Display name");
    const save = screen.getByRole("button", { name: "Save name" });

    await user.clear(field);
    await user.click(field);
    await user.paste(`${"a".repeat(64)}b`);
    await user.click(save);
    expect(await screen.findByRole("alert")).toHaveTextContent("Use at most 64 characters.");
    expect(client.setDisplayName).not.toHaveBeenCalled();

    // 64 emoji are 128 UTF-16 units but 64 characters, as the bridge counts them.
    const emoji = "🌻".repeat(64);
    await user.clear(field);
    await user.click(field);
    await user.paste(emoji);
    await user.click(save);
    expect(client.setDisplayName).toHaveBeenCalledWith(emoji);
    await statusSays("Your display name is now");
  });

  it("says why the name could not be changed", async () => {
    const { client, user } = setup();
    client.setDisplayName.mockRejectedValueOnce(new Error("M_FORBIDDEN: Nope"));
    const field = await screen.findByLabelText("Display name");

    await user.type(field, "!");
    await user.click(screen.getByRole("button", { name: "Save name" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't change your display name: M_FORBIDDEN: Nope",
    );
  });

  it("uploads a picture, sets it as the avatar and shows it", async () => {
    const { server, client, user, avatar } = setup();
    await screen.findByLabelText("Display name");

    await user.upload(screen.getByLabelText("Profile picture"), png());
    expect(screen.getByRole("button", { name: "Saving picture…" })).toBeDisabled();
    await waitFor(() => expect(client.uploads).toHaveLength(1));
    expect(client.uploads[0]?.options).toMatchObject({ name: "me.png", type: "image/png" });
    server.put(client.uploads[0]?.mxc ?? "", new Blob(["png bytes"], { type: "image/png" }));
    client.uploads[0]?.finish();

    await statusSays("Your picture is updated.");
    expect(client.setAvatarUrl).toHaveBeenCalledWith("mxc://example.org/upload1");
    await waitFor(() => expect(avatar().querySelector("img")).not.toBeNull());
    expect(screen.getByRole("button", { name: "Change picture" })).toBeEnabled();
  });

  it("refuses a file that is not a picture, or too large", async () => {
    const { client, user } = setup();
    await screen.findByLabelText("Display name");
    client.maxUploadSize = 5;

    // The picker offers pictures only; a drop or an unusual browser may still give anything.
    const input = screen.getByLabelText("Profile picture");
    await userEvent
      .setup({ applyAccept: false })
      .upload(input, new File(["%PDF"], "cv.pdf", { type: "application/pdf" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Choose a PNG, JPEG, GIF or WebP picture.",
    );
    await user.upload(input, png());
    expect(await screen.findByText(/That picture is too large \(9 bytes\)/)).toBeInTheDocument();
    expect(client.uploadContent).not.toHaveBeenCalled();
  });

  it("removes the picture, back to the initial", async () => {
    const { server, client, user, avatar } = setup({
      displayname: "Bob",
      avatar_url: "mxc://example.org/bob",
    });
    server.put("mxc://example.org/bob", new Blob(["png"], { type: "image/png" }));
    await waitFor(() => expect(avatar().querySelector("img")).not.toBeNull());

    await user.click(screen.getByRole("button", { name: "Remove picture" }));

    expect(client.setAvatarUrl).toHaveBeenCalledWith("");
    await statusSays("Your picture is removed.");
    expect(avatar()).toHaveTextContent("B");
    expect(avatar().querySelector("img")).toBeNull();
  });

  it("offers to try again when the profile cannot be loaded", async () => {
    const { client, user } = setup({ displayname: "Ana", failFirst: true });

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't load your Matrix profile: Network request failed",
    );
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByLabelText("Display name")).toHaveValue("Ana");
    expect(client.getProfileInfo).toHaveBeenCalledTimes(2);
  });
});
