import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { WidgetExchangeResponse } from "@xstream/contract";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeMatrixEvent, withTimelineApi } from "../../test/fakeMatrixRoom";
import { FakeRoom } from "../../test/fakeMatrixSdk";
import { FakeSendingClient } from "../../test/fakeSendingClient";
import { RoomPage } from "./RoomPage";

const ANA = "@ana:example.org";
const BOB = "@bob:example.org";
const BOT = "@xstream:example.org";
const ROOM_ID = "!partners:example.org";
const TIMER = "org.xstream.practice_timer";

const PEOPLE: WidgetExchangeResponse = {
  viewer: {
    user_id: ANA,
    display_name: "Ana Lima",
    native: ["pt"],
    learning: [{ language: "es", level: "A2" }],
    organisation: null,
  },
  partner: {
    user_id: BOB,
    display_name: "Bob Silva",
    native: ["es"],
    learning: [{ language: "pt", level: "B1" }],
    organisation: null,
  },
};

function setup({ creator = BOT } = {}) {
  const client = withTimelineApi(new FakeSendingClient(ANA));
  const room = new FakeRoom(ROOM_ID, { myUserId: ANA, creator, name: "Bob Silva and Xstream" });
  room.setMember(BOT, "Xstream", "join");
  room.setMember(ANA, "Ana Lima", "join");
  room.setMember(BOB, "Bob Silva", "join");
  client.rooms.set(ROOM_ID, room);
  const sdk = Object.assign(client, {
    getOpenIdToken: vi.fn(async () => ({
      access_token: "openid-token",
      token_type: "Bearer",
      matrix_server_name: "example.org",
      expires_in: 3600,
    })),
    sendStateEvent: vi.fn(async (roomId: string, type: string, content: object, key: string) => {
      const event = new FakeMatrixEvent({
        type,
        sender: ANA,
        stateKey: key,
        content: content as Record<string, unknown>,
        roomId,
      });
      room.state.set(`${type}|${key}`, event);
      client.emit("RoomState.events", event, { roomId }, null);
      return { event_id: "$state" };
    }),
  });
  const fetchPeople = vi.fn(async () => PEOPLE);
  const user = userEvent.setup();
  render(
    <RoomPage
      client={sdk as unknown as MatrixClient}
      roomId={ROOM_ID}
      fetchExchangePeople={fetchPeople}
    />,
  );
  return { client: sdk, room, fetchPeople, user };
}

const header = () => screen.getByRole("banner");

describe("RoomPage's exchange panel", () => {
  beforeEach(() => {
    vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(600);
    localStorage.clear();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("opens beside the conversation in a partner room, with both partners' languages", async () => {
    const { user, fetchPeople, client } = setup();
    expect(screen.getByRole("complementary", { name: /^Members/ })).toBeInTheDocument();
    const toggle = within(header()).getByRole("button", { name: "Exchange" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    // Nobody is asked about the partners until the panel is open.
    expect(fetchPeople).not.toHaveBeenCalled();

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const panel = screen.getByRole("complementary", { name: "Exchange" });
    expect(toggle).toHaveAttribute("aria-controls", panel.id);
    expect(await within(panel).findByRole("article", { name: "Bob Silva" })).toHaveTextContent(
      "LearnsPortuguese B1",
    );
    expect(client.getOpenIdToken).toHaveBeenCalledOnce();
    expect(fetchPeople).toHaveBeenCalledWith(
      ROOM_ID,
      expect.objectContaining({ access_token: "openid-token" }),
    );
    // It took the member list's place; closing brings that back, and the choice is remembered.
    expect(screen.queryByRole("complementary", { name: /^Members/ })).toBeNull();
    await user.click(toggle);
    expect(screen.getByRole("complementary", { name: /^Members/ })).toBeInTheDocument();
    expect(localStorage.getItem("xstream:exchangePanel")).toBe("closed");
  });

  it("shows the running timer in the header, started from the panel as room state", async () => {
    const { user, client } = setup();
    await user.click(within(header()).getByRole("button", { name: "Exchange" }));
    const panel = screen.getByRole("complementary", { name: "Exchange" });
    await within(panel).findByRole("article", { name: "Bob Silva" });
    await user.click(within(panel).getByRole("button", { name: "Start the timer" }));
    expect(client.sendStateEvent).toHaveBeenCalledWith(
      ROOM_ID,
      TIMER,
      { languages: ["es", "pt"], minutes: 5, started_at: expect.any(Number) },
      "",
    );
    expect(
      await within(header()).findByText(/^Speaking Spanish · [45]:\d\d left$/),
    ).toBeInTheDocument();
  });

  it("shows a timer the partner started even with the panel closed", async () => {
    const { room, client } = setup();
    const event = new FakeMatrixEvent({
      type: TIMER,
      sender: BOB,
      stateKey: "",
      content: { languages: ["pt", "es"], minutes: 10, started_at: Date.now() - 605_000 },
      roomId: ROOM_ID,
    });
    room.state.set(`${TIMER}|`, event);
    client.emit("RoomState.events", event, { roomId: ROOM_ID }, null);
    expect(
      await within(header()).findByText(/^Speaking Spanish · 9:5\d left$/),
    ).toBeInTheDocument();
  });

  it("sends a correction from the panel that the timeline shows as a diff", async () => {
    const { user, room, client } = setup();
    room.message(BOB, "Yo tiene un perro");
    client.emit("Room.timeline", room.events.at(-1), room, false, false, { liveEvent: true });
    await user.click(within(header()).getByRole("button", { name: "Exchange" }));
    const panel = screen.getByRole("complementary", { name: "Exchange" });
    await user.click(within(panel).getByRole("radio", { name: "Yo tiene un perro" }));
    const box = within(panel).getByRole("textbox", { name: "Corrected text" });
    await user.clear(box);
    await user.type(box, "Yo tengo un perro");
    await user.click(within(panel).getByRole("button", { name: "Send correction" }));

    await waitFor(() => expect(client.delivered).toHaveLength(1));
    expect(client.delivered[0]).toMatchObject({
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: room.events[0]?.getId() },
      "org.xstream.correction": { original: "Yo tiene un perro", corrected: "Yo tengo un perro" },
    });
    const log = screen.getByRole("log", { name: "Messages" });
    const correction = await within(log).findByRole("region", { name: "Correction by Ana Lima" });
    expect(correction.querySelector("del")).toHaveTextContent("tiene");
    expect(correction.querySelector("ins")).toHaveTextContent("tengo");
    expect(within(within(panel).getByRole("list")).getByRole("listitem")).toHaveTextContent(
      "You corrected Bob Silva",
    );
  });

  it("is not offered in a room the bot did not set up", () => {
    setup({ creator: ANA });
    expect(within(header()).queryByRole("button", { name: "Exchange" })).toBeNull();
  });
});
