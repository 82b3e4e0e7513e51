import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withTimelineApi } from "../../test/fakeMatrixRoom";
import { FakeRoom, fakeCrypto } from "../../test/fakeMatrixSdk";
import { FakeSendingClient } from "../../test/fakeSendingClient";
import { RoomPage } from "./RoomPage";

const ANA = "@ana:example.org";
const BOB = "@bob:example.org";
const BOT = "@xstream:example.org";
const ROOM_ID = "!partners:example.org";
const WELCOME = "Welcome, Ana and Bob! Ana speaks Portuguese and learns Spanish; Bob the reverse.";

/** The room the bot sets up for two partners: the bot created it and stays in it. */
function partnerRoom(myMembership = "join") {
  const room = new FakeRoom(ROOM_ID, {
    myUserId: ANA,
    creator: BOT,
    name: "Bob Silva and Xstream",
  });
  room.setMember(BOT, "Xstream", "join");
  room.setMember(ANA, "Ana Lima", myMembership);
  room.setMember(BOB, "Bob Silva", "invite");
  room.message(BOT, WELCOME, { msgtype: "m.notice" });
  return room;
}

type TestClient = ReturnType<typeof fakeMatrixClient>;

/** A client that sends like the SDK (the composer's fake) and answers timeline calls. */
function fakeMatrixClient() {
  return withTimelineApi(new FakeSendingClient(ANA));
}

function renderRoom(client: TestClient | null) {
  const user = userEvent.setup();
  const result = render(
    <RoomPage client={client as unknown as MatrixClient | null} roomId={ROOM_ID} />,
  );
  return { user, ...result };
}

const log = () => screen.getByRole("log", { name: "Messages" });

describe("RoomPage", () => {
  // jsdom lays nothing out; the virtualised timeline renders rows only into a visible height.
  beforeEach(() => {
    vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(600);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("shows the partner's name, the joined members and the bot's welcome", () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    renderRoom(client);

    expect(screen.getByRole("heading", { level: 1, name: "Bob Silva" })).toBeInTheDocument();
    const members = screen.getByRole("complementary", { name: /^Members/ });
    expect(
      within(within(members).getByRole("list", { name: /^Members/ }))
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([`AAna Lima${ANA}`, `XXstream${BOT}`]);
    expect(within(members).getByRole("list", { name: "Invited" })).toHaveTextContent("Bob Silva");
    const welcome = within(log()).getByText(WELCOME);
    expect(welcome.closest("li")).toHaveTextContent("Xstream");
  });

  it("prefers the room's own name", () => {
    const client = fakeMatrixClient();
    const room = new FakeRoom(ROOM_ID, {
      myUserId: ANA,
      creator: ANA,
      explicitName: "Spanish club",
    });
    room.setMember(ANA, "Ana Lima", "join");
    client.rooms.set(ROOM_ID, room);
    renderRoom(client);

    expect(screen.getByRole("heading", { level: 1, name: "Spanish club" })).toBeInTheDocument();
    expect(within(log()).getByText("No messages yet. Say hello!")).toBeInTheDocument();
  });

  it("renders formatted messages sanitised, other messages' text, and deleted ones as such", () => {
    const client = fakeMatrixClient();
    const room = partnerRoom();
    room.setMember(BOB, "Bob Silva", "join");
    room.message(BOB, "<img src=x onerror=alert(1)> hola", {
      content: {
        msgtype: "m.text",
        body: "<img src=x onerror=alert(1)> hola",
        format: "org.matrix.custom.html",
        formatted_body:
          '<b>bold</b><img src=x onerror=alert(1)><script>alert(1)</script><a href="javascript:alert(1)">click</a>',
      },
    });
    room.message(BOB, "a picture", { msgtype: "m.image" });
    room.message(BOB, "deleted", { redacted: true, content: {} });
    client.rooms.set(ROOM_ID, room);
    renderRoom(client);

    expect(within(log()).getByText("bold").tagName).toBe("B");
    expect(log().querySelector("img, script, [onerror]")).toBeNull();
    expect(within(log()).getByText("click")).not.toHaveAttribute("href");
    expect(within(log()).getByText("a picture")).toBeInTheDocument();
    expect(within(log()).getByText("Message deleted")).toBeInTheDocument();
    expect(log().querySelectorAll("article.message")).toHaveLength(4);
  });

  it("adds messages and members as they arrive", async () => {
    const client = fakeMatrixClient();
    const room = partnerRoom();
    client.rooms.set(ROOM_ID, room);
    renderRoom(client);

    await act(async () => {
      client.changeMembership(room, BOB, "Bob Silva", "join");
      client.receive(room, room.message(BOB, "¡Hola, Ana!"));
    });

    expect(within(log()).getByText("¡Hola, Ana!").closest("li")).toHaveTextContent("Bob Silva");
    expect(
      within(screen.getByRole("complementary", { name: /^Members/ })).getByText("Bob Silva"),
    ).toBeInTheDocument();
  });

  it("sends a message with Enter and shows it", async () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    const { user } = renderRoom(client);

    const composer = screen.getByRole("textbox", { name: "Message" });
    await user.type(composer, "Olá, Bob!{Enter}");

    expect(client.sendMessage).toHaveBeenCalledWith(
      ROOM_ID,
      expect.objectContaining({ msgtype: "m.text", body: "Olá, Bob!" }),
      expect.any(String),
    );
    expect(composer).toHaveValue("");
    expect(within(log()).getByText("Olá, Bob!").closest(".message")).toHaveClass("message--own");
  });

  it("keeps a message that could not be sent in the timeline, with Retry", async () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    client.failures.push(new Error("Network down"));
    const { user } = renderRoom(client);

    await user.type(screen.getByRole("textbox", { name: "Message" }), "Olá{Enter}");

    const unsent = await within(log()).findByRole("group", { name: "Message not sent" });
    expect(within(log()).getByText("Olá").closest(".message")).toHaveClass("message--failed");
    await user.click(within(unsent).getByRole("button", { name: "Retry" }));
    expect(client.resendEvent).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(within(log()).queryByRole("group", { name: "Message not sent" })).toBeNull(),
    );
  });

  it("keeps failed messages apart from the timeline with Retry and Cancel when pending events are detached", async () => {
    const client = fakeMatrixClient();
    const room = partnerRoom();
    room.pending = [];
    client.rooms.set(ROOM_ID, room);
    client.failures.push(new Error("Network down"), new Error("Network down"));
    const { user } = renderRoom(client);
    const composer = screen.getByRole("textbox", { name: "Message" });

    await user.type(composer, "first{Enter}");
    await user.type(composer, "second{Enter}");

    await waitFor(() =>
      expect(within(log()).getAllByRole("group", { name: "Message not sent" })).toHaveLength(2),
    );
    const texts = within(log())
      .getAllByRole("article")
      .map((article) => article.textContent ?? "");
    expect(texts.findIndex((text) => text.includes("first"))).toBeLessThan(
      texts.findIndex((text) => text.includes("second")),
    );
    expect(room.events.some((event) => event.getTxnId())).toBe(false);

    const [first, second] = within(log()).getAllByRole("group", { name: "Message not sent" });
    await user.click(within(second as HTMLElement).getByRole("button", { name: "Cancel" }));
    await user.click(within(first as HTMLElement).getByRole("button", { name: "Retry" }));

    await waitFor(() =>
      expect(within(log()).queryByRole("group", { name: "Message not sent" })).toBeNull(),
    );
    expect(within(log()).getByText("first").closest(".message")).not.toHaveClass("message--failed");
    expect(within(log()).queryByText("second")).toBeNull();
    expect(room.pending).toEqual([]);
    expect(client.delivered.map((content) => content.body)).toEqual(["first"]);
  });

  it("shows the partner's presence in the header and on the members' avatars", () => {
    const client = fakeMatrixClient();
    const room = partnerRoom();
    room.setMember(BOB, "Bob Silva", "join");
    client.rooms.set(ROOM_ID, room);
    const now = Date.now();
    client.setPresenceOf(BOB, {
      presence: "online",
      currentlyActive: true,
      lastPresenceTs: now,
      lastActiveAgo: 0,
    });
    renderRoom(client);

    const header = screen.getByRole("banner");
    expect(within(header).getByText("Online")).toBeInTheDocument();
    const members = screen.getByRole("complementary", { name: /^Members/ });
    const bob = within(members).getByText("Bob Silva").closest("li") as HTMLElement;
    expect(bob).toHaveTextContent("Bob Silva, Online");
    expect(bob.querySelector("[data-presence]")).toHaveAttribute("data-presence", "online");

    act(() =>
      client.setPresenceOf(BOB, {
        presence: "unavailable",
        currentlyActive: false,
        lastPresenceTs: now,
        lastActiveAgo: 5 * 60_000,
      }),
    );
    expect(within(header).getByText("Away, active 5 min ago")).toBeInTheDocument();
    expect(bob.querySelector("[data-presence]")).toHaveAttribute("data-presence", "away");

    act(() =>
      client.setPresenceOf(BOB, {
        presence: "offline",
        currentlyActive: false,
        lastPresenceTs: now,
        lastActiveAgo: 2 * 60 * 60_000,
      }),
    );
    expect(within(header).getByText("Active 2 h ago")).toBeInTheDocument();
    expect(bob.querySelector("[data-presence]")).toHaveAttribute("data-presence", "offline");
  });

  it("shows no presence for people the homeserver has said nothing about", () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    renderRoom(client);

    expect(within(screen.getByRole("banner")).queryByText(/Online|Offline|Active/)).toBeNull();
    expect(document.querySelector("[data-presence]")).toBeNull();
  });

  it("marks an encrypted room, and says when encryption does not work in this tab", () => {
    const client = fakeMatrixClient();
    const room = partnerRoom();
    room.event(ANA, "m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }, { stateKey: "" });
    room.state.set("m.room.encryption|", room.events.at(-1) as (typeof room.events)[number]);
    client.rooms.set(ROOM_ID, room);
    const { unmount } = renderRoom(client);

    expect(within(screen.getByRole("banner")).getByText("Encrypted")).toBeInTheDocument();
    expect(screen.getByText(/encryption is not working in this tab/)).toBeInTheDocument();
    unmount();

    client.crypto = fakeCrypto();
    renderRoom(client);
    expect(within(screen.getByRole("banner")).getByText("Encrypted")).toBeInTheDocument();
    expect(screen.queryByText(/encryption is not working in this tab/)).toBeNull();
  });

  it("does not mark an unencrypted room", () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    renderRoom(client);

    expect(screen.queryByText("Encrypted")).toBeNull();
  });

  it("joins a room the person is invited to as soon as they open it", async () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom("invite"));
    renderRoom(client);

    expect(client.joinRoom).toHaveBeenCalledWith(ROOM_ID);
    expect(await within(log()).findByText(WELCOME)).toBeInTheDocument();
    expect(client.joinRoom).toHaveBeenCalledTimes(1);
  });

  it("waits for an invitation that has not arrived yet, then joins", async () => {
    const client = fakeMatrixClient();
    renderRoom(client);

    expect(screen.getByRole("status")).toHaveTextContent("Waiting for your invitation");
    expect(client.joinRoom).not.toHaveBeenCalled();

    act(() => client.addRoom(partnerRoom("invite")));

    expect(await within(log()).findByText(WELCOME)).toBeInTheDocument();
    expect(client.joinRoom).toHaveBeenCalledTimes(1);
  });

  it("says why joining failed and tries again on request", async () => {
    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom("invite"));
    client.joinRoom.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    const { user } = renderRoom(client);

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't join the room: M_LIMIT_EXCEEDED",
    );
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await within(log()).findByText(WELCOME)).toBeInTheDocument();
    expect(client.joinRoom).toHaveBeenCalledTimes(2);
  });

  it("waits for Matrix, and stops listening to the client when closed", async () => {
    const { rerender, unmount } = renderRoom(null);
    expect(screen.getByRole("status")).toHaveTextContent("Connecting to Matrix…");

    const client = fakeMatrixClient();
    client.rooms.set(ROOM_ID, partnerRoom());
    rerender(<RoomPage client={client as unknown as MatrixClient} roomId={ROOM_ID} />);
    await waitFor(() => expect(within(log()).getByText(WELCOME)).toBeInTheDocument());
    expect(client.listenerCount()).toBeGreaterThan(0);

    unmount();
    expect(client.listenerCount()).toBe(0);
  });
});
