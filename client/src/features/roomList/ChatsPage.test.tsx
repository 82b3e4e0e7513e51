import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { ListPreview } from "../../matrix/slidingPreview";
import { FakeRoomListClient, joinedRoom, later, ME } from "../../test/fakeRoomList";
import { ChatsPage } from "./ChatsPage";
import { saveCachedRoomList } from "./cachedRoomList";
import { FLUSH_EVERY_MS } from "./RoomListViewModel";

const BOB = "@bob:example.org";
const CARLA = "@carla:example.org";
const NOW = Date.UTC(2025, 0, 7, 12, 0);

/** Waits out the room list's spacing between two updates, as a person would see them. */
const settle = () =>
  act(() => new Promise<void>((resolve) => setTimeout(resolve, FLUSH_EVERY_MS + 10)));

/** Ana's rooms: Bob (direct, unread), Carla (direct), Book club (group) and an invite. */
function anasRooms() {
  const client = new FakeRoomListClient();
  const bob = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]]);
  bob.message(BOB, "Hola Ana", { ts: later() });
  bob.counts = { total: 2, highlight: 1 };
  const book = joinedRoom(
    "!book:example.org",
    [
      [BOB, "Bob Silva"],
      [CARLA, "Carla Ruiz"],
    ],
    { explicitName: "Book club" },
  );
  book.message(CARLA, "Chapter 3 tonight", { ts: later() });
  const carla = joinedRoom("!carla:example.org", [[CARLA, "Carla Ruiz"]]);
  carla.message(ME, "See you!", { ts: later() });
  const invite = joinedRoom("!grammar:example.org", [], { explicitName: "Grammar nerds" });
  invite.invitedBy(CARLA, "Carla Ruiz");
  for (const room of [bob, book, carla, invite]) client.rooms.set(room.roomId, room);
  return { client, bob, book, carla, invite };
}

async function renderChats(client: FakeRoomListClient | null) {
  const user = userEvent.setup();
  render(<ChatsPage client={client?.asClient() ?? null} now={() => NOW} />);
  await settle();
  return { user };
}

const section = (name: string) => screen.getByRole("region", { name });
const roomNames = (name: string) =>
  within(within(section(name)).getByRole("list"))
    .getAllByRole("link")
    .map((link) => link.getAttribute("aria-label"));

beforeEach(() => {
  window.history.replaceState(null, "", "/chats");
});

describe("ChatsPage", () => {
  it("shows the rooms this browser kept while Matrix connects, then the live list", async () => {
    const kept = {
      roomId: "!old:example.org",
      name: "Old friends",
      initials: "OF",
      avatarUrl: null,
      direct: false,
      preview: "Bob Silva: see you",
      lastActivity: NOW - 60_000,
      unread: 1,
      mentions: 0,
      label: "Old friends, 1 unread",
    };
    saveCachedRoomList(ME, { direct: [], groups: [kept], total: 1 });
    try {
      const { rerender } = render(<ChatsPage client={null} cachedFor={ME} now={() => NOW} />);
      expect(roomNames("Groups")).toEqual(["Old friends, 1 unread"]);

      const { client } = anasRooms();
      rerender(<ChatsPage client={client.asClient()} cachedFor={ME} now={() => NOW} />);
      await settle();
      expect(roomNames("Groups")).toEqual(["Book club"]);
    } finally {
      localStorage.clear();
    }
  });

  it("shows the sliding sync preview while Matrix connects, then the live list once it has synced", async () => {
    const preview: ListPreview = {
      userId: ME,
      count: 3,
      rooms: [
        {
          roomId: "!book:example.org",
          membership: "join",
          name: "Book club",
          avatarUrl: null,
          isDm: false,
          creator: ME,
          heroes: [],
          members: [],
          timeline: [],
          notificationCount: 0,
          highlightCount: 0,
          joinedCount: 3,
          invitedCount: 0,
        },
      ],
    };
    const { rerender } = render(<ChatsPage client={null} preview={preview} now={() => NOW} />);
    expect(roomNames("Groups")).toEqual(["Book club"]);

    // The client exists but has not synced: its (still partial) rooms do not replace the preview.
    const { client } = anasRooms();
    let synced = false;
    client.isInitialSyncComplete = () => synced;
    rerender(<ChatsPage client={client.asClient()} preview={preview} now={() => NOW} />);
    await settle();
    expect(roomNames("Groups")).toEqual(["Book club"]);
    expect(screen.queryByRole("region", { name: "Invites" })).toBeNull();

    synced = true;
    act(() => client.emit("sync", "PREPARED"));
    await settle();
    expect(roomNames("Direct messages")).toEqual(["Carla Ruiz", "Bob Silva, 2 unread, 1 mention"]);
    expect(within(section("Invites")).getByText("Grammar nerds")).toBeInTheDocument();
  });

  it("lists invites, direct messages and groups, latest activity first", async () => {
    const { client } = anasRooms();
    await renderChats(client);

    expect(screen.getByRole("heading", { level: 1, name: "Chats" })).toBeInTheDocument();
    expect(
      screen.getAllByRole("heading", { level: 2 }).map((heading) => heading.textContent),
    ).toEqual(["Invites", "Direct messages", "Groups"]);
    expect(roomNames("Direct messages")).toEqual(["Carla Ruiz", "Bob Silva, 2 unread, 1 mention"]);
    expect(roomNames("Groups")).toEqual(["Book club"]);

    const carla = screen.getByRole("link", { name: "Carla Ruiz" });
    expect(carla).toHaveAttribute("href", "/rooms/!carla%3Aexample.org");
    expect(carla).toHaveAccessibleDescription("You: See you!");
    expect(carla).toHaveTextContent("CRCarla Ruiz");
    const bob = screen.getByRole("link", { name: "Bob Silva, 2 unread, 1 mention" });
    expect(bob).toHaveTextContent("Bob Silva: Hola Ana");
    expect(bob).toHaveTextContent("@12");
    expect(within(section("Invites")).getByText("Grammar nerds")).toBeInTheDocument();
    expect(within(section("Invites")).getByText("Invited by Carla Ruiz")).toBeInTheDocument();
  });

  it("opens a room from the list", async () => {
    const { client } = anasRooms();
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("link", { name: "Book club" }));

    expect(window.location.pathname).toBe("/rooms/!book%3Aexample.org");
  });

  it("moves between rooms with the arrow keys", async () => {
    const { client } = anasRooms();
    const { user } = await renderChats(client);

    screen.getByRole("link", { name: "Carla Ruiz" }).focus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("link", { name: "Bob Silva, 2 unread, 1 mention" })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("link", { name: "Book club" })).toHaveFocus();
    await user.keyboard("{Home}");
    expect(screen.getByRole("link", { name: "Carla Ruiz" })).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(screen.getByRole("link", { name: "Carla Ruiz" })).toHaveFocus();
  });

  it("updates live: a new message moves its room up, reading it clears the count", async () => {
    const { client, bob, book } = anasRooms();
    await renderChats(client);

    act(() => {
      client.receive(book, book.message(BOB, "I'm in!", { ts: later() }));
      book.setCounts(1);
    });
    await settle();

    expect(roomNames("Groups")).toEqual(["Book club, 1 unread"]);
    expect(screen.getByRole("link", { name: "Book club, 1 unread" })).toHaveAccessibleDescription(
      "Bob Silva: I'm in!",
    );

    act(() => client.receive(bob, bob.message(BOB, "¿Practicamos?", { ts: later() })));
    await settle();
    expect(roomNames("Direct messages")).toEqual(["Bob Silva, 2 unread, 1 mention", "Carla Ruiz"]);

    act(() => bob.setCounts(0));
    await settle();
    expect(roomNames("Direct messages")[0]).toBe("Bob Silva");
  });

  it("filters rooms by name", async () => {
    const { client } = anasRooms();
    const { user } = await renderChats(client);
    const filter = screen.getByRole("searchbox", { name: "Filter rooms by name" });

    await user.type(filter, "car");
    expect(roomNames("Direct messages")).toEqual(["Carla Ruiz"]);
    expect(within(section("Groups")).getByText("No groups match.")).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Invites" })).not.toBeInTheDocument();

    await user.clear(filter);
    await user.type(filter, "xyz");
    expect(screen.getByRole("status")).toHaveTextContent("No rooms match “xyz”.");

    await user.clear(filter);
    expect(roomNames("Groups")).toEqual(["Book club"]);
  });

  it("accepts and declines invites", async () => {
    const { client } = anasRooms();
    const other = joinedRoom("!spam:example.org", [], { explicitName: "Crypto deals" });
    other.invitedBy("@spam:example.org", "Spammer");
    client.rooms.set(other.roomId, other);
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "Accept invite to Grammar nerds" }));
    await settle();
    expect(client.joinRoom).toHaveBeenCalledWith("!grammar:example.org");
    expect(roomNames("Groups")).toEqual(["Grammar nerds", "Book club"]);

    await user.click(screen.getByRole("button", { name: "Decline invite to Crypto deals" }));
    await settle();
    expect(client.leave).toHaveBeenCalledWith("!spam:example.org");
    expect(screen.queryByRole("region", { name: "Invites" })).not.toBeInTheDocument();
    expect(screen.queryByText("Crypto deals")).not.toBeInTheDocument();
  });

  it("says why accepting an invite failed", async () => {
    const { client } = anasRooms();
    client.joinRoom.mockRejectedValueOnce(new Error("M_FORBIDDEN: Invite withdrawn"));
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "Accept invite to Grammar nerds" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't accept the invite: M_FORBIDDEN: Invite withdrawn",
    );
    expect(within(section("Invites")).getByText("Grammar nerds")).toBeInTheDocument();
  });

  it("leaves a room only after confirming", async () => {
    const { client } = anasRooms();
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "Leave Book club" }));
    let dialog = screen.getByRole("dialog", { name: "Leave Book club?" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(client.leave).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Leave Book club" }));
    dialog = screen.getByRole("dialog", { name: "Leave Book club?" });
    await user.click(within(dialog).getByRole("button", { name: "Leave" }));
    await settle();

    expect(client.leave).toHaveBeenCalledWith("!book:example.org");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(within(section("Groups")).getByText("No groups yet.")).toBeInTheDocument();
  });

  it("keeps the leave dialog open with the reason when leaving fails", async () => {
    const { client } = anasRooms();
    client.leave.mockRejectedValueOnce(new Error("Offline"));
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "Leave Carla Ruiz" }));
    const dialog = screen.getByRole("dialog", { name: "Leave Carla Ruiz?" });
    await user.click(within(dialog).getByRole("button", { name: "Leave" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Couldn't leave the room: Offline",
    );
  });

  it("creates a group after checking the form, then opens it", async () => {
    const { client } = anasRooms();
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "New group" }));
    const dialog = screen.getByRole("dialog", { name: "New group" });
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    expect(name).toHaveFocus();
    await user.type(within(dialog).getByRole("textbox", { name: "Invite people" }), "bob, ");
    await user.click(within(dialog).getByRole("button", { name: "Create group" }));

    expect(name).toHaveAccessibleDescription("Give the group a name.");
    expect(
      within(dialog).getByRole("textbox", { name: "Invite people" }),
    ).toHaveAccessibleDescription(
      'Matrix IDs separated by commas, e.g. @bob:example.org "bob" is not a Matrix ID. Use the form @name:server.',
    );
    expect(client.createRoom).not.toHaveBeenCalled();

    await user.type(name, "Book club 2");
    await user.type(within(dialog).getByRole("textbox", { name: "Topic" }), "Novels in Spanish");
    const invites = within(dialog).getByRole("textbox", { name: "Invite people" });
    await user.clear(invites);
    await user.type(invites, "@bob:example.org, @carla:example.org");
    await user.click(within(dialog).getByRole("button", { name: "Create group" }));

    expect(client.createRoom).toHaveBeenCalledWith({
      name: "Book club 2",
      topic: "Novels in Spanish",
      preset: "private_chat",
      invite: [BOB, CARLA],
      power_level_content_override: { events: { "org.matrix.msc3401.call.member": 0 } },
    });
    expect(window.location.pathname).toBe("/rooms/!new%3Aexample.org");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("shows why a group could not be created", async () => {
    const { client } = anasRooms();
    client.createRoom.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    const { user } = await renderChats(client);

    await user.click(screen.getByRole("button", { name: "New group" }));
    const dialog = screen.getByRole("dialog", { name: "New group" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Book club 2{Enter}");

    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Couldn't create the group: M_LIMIT_EXCEEDED",
    );
    expect(window.location.pathname).toBe("/chats");
  });

  it("waits for Matrix to connect", async () => {
    await renderChats(null);
    expect(screen.getByRole("status")).toHaveTextContent("Connecting to Matrix…");
    expect(screen.getByRole("button", { name: "New group" })).toBeDisabled();
  });

  it("explains an empty list", async () => {
    await renderChats(new FakeRoomListClient());
    expect(screen.getByRole("region", { name: "No chats" })).toHaveTextContent("No chats yet");
    expect(screen.getByRole("link", { name: "Find partners" })).toHaveAttribute(
      "href",
      "/partners/find",
    );
  });
});
