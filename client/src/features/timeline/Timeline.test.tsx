import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeRoom, withTimelineApi } from "../../test/fakeMatrixRoom";
import { fakeMatrixClient } from "../../test/fakeMatrixSdk";
import type { MessageRef } from "./MessageTile";
import { Timeline } from "./Timeline";
import { TimelineViewModel } from "./TimelineViewModel";
import { useTimeline } from "./useTimeline";

const ANA = "@ana:example.org";
const BOB = "@bob:example.org";
const ROOM_ID = "!room:example.org";

function setup() {
  const client = withTimelineApi(fakeMatrixClient(ANA));
  const room = new FakeRoom(ROOM_ID, { myUserId: ANA, creator: ANA });
  room.setMember(ANA, "Ana Lima", "join");
  room.setMember(BOB, "Bob Silva", "join");
  client.rooms.set(ROOM_ID, room);
  return { client, room };
}

type Client = ReturnType<typeof setup>["client"];

function Harness({
  client,
  onReply,
  onCorrect,
}: {
  client: Client;
  onReply?: (message: MessageRef) => void;
  onCorrect?: (message: MessageRef) => void;
}) {
  const timeline = useTimeline(client as unknown as MatrixClient, ROOM_ID);
  return (
    <>
      <Timeline
        timeline={timeline}
        myUserId={ANA}
        myName="Ana Lima"
        onReply={onReply}
        onCorrect={onCorrect}
      />
      <p data-testid="typing">{timeline.typing}</p>
    </>
  );
}

function renderTimeline(client: Client, props: Partial<Parameters<typeof Harness>[0]> = {}) {
  const user = userEvent.setup();
  render(<Harness client={client} {...props} />);
  return { user };
}

const log = () => screen.getByRole("log", { name: "Messages" });
/** The message showing `text` (the first one: a reply's quote repeats it). */
const messageOf = (text: string) =>
  within(log()).getAllByText(text)[0]?.closest("article") as HTMLElement;

describe("Timeline", () => {
  // jsdom lays nothing out; the virtualised timeline renders rows only into a visible height.
  beforeEach(() => {
    vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(600);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("shows a day separator, the sender once per group, and links", () => {
    const { client, room } = setup();
    room.message(BOB, "Hola, mira https://example.org/a.");
    room.message(BOB, "¿Qué tal?");
    renderTimeline(client);

    expect(log().querySelector(".timeline__day time")).toHaveAttribute("datetime", "2025-01-06");
    expect(within(log()).getAllByText("Bob Silva")).toHaveLength(2); // One hidden, for readers.
    expect(messageOf("¿Qué tal?")).toHaveClass("message--continuation");
    const link = within(log()).getByRole("link", { name: "https://example.org/a" });
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
  });

  it("shows reactions with who reacted, and toggles ours", async () => {
    const { client, room } = setup();
    const hola = room.message(BOB, "Hola");
    room.reaction(BOB, hola.getId() ?? "", "👍");
    const mine = room.reaction(ANA, hola.getId() ?? "", "🎉");
    const { user } = renderTimeline(client);

    const bobs = within(log()).getByRole("button", { name: "👍 1 reaction from Bob Silva" });
    expect(bobs).toHaveAttribute("aria-pressed", "false");
    await user.click(bobs);
    expect(client.sendEvent).toHaveBeenCalledWith(ROOM_ID, "m.reaction", {
      "m.relates_to": { rel_type: "m.annotation", event_id: hola.getId(), key: "👍" },
    });
    expect(
      within(log()).getByRole("button", { name: "👍 2 reactions from Bob Silva and you" }),
    ).toHaveAttribute("aria-pressed", "true");

    await user.click(within(log()).getByRole("button", { name: "🎉 1 reaction from you" }));
    expect(client.redactEvent).toHaveBeenCalledWith(ROOM_ID, mine.getId());
    expect(within(log()).queryByRole("button", { name: /^🎉/ })).toBeNull();
  });

  it("reacts from the action bar and the emoji picker", async () => {
    const { client, room } = setup();
    const hola = room.message(BOB, "Hola");
    const { user } = renderTimeline(client);

    const actions = within(messageOf("Hola")).getByRole("toolbar", { name: "Message actions" });
    await user.click(within(actions).getByRole("button", { name: "React with ❤️" }));
    await user.click(within(actions).getByRole("button", { name: "React" }));
    const picker = screen.getByRole("dialog", { name: "Choose a reaction" });
    await user.type(within(picker).getByRole("searchbox", { name: "Search emoji" }), "coffee");
    await user.click(within(picker).getByRole("button", { name: "hot beverage coffee" }));

    expect(client.sendEvent.mock.calls.map((call) => call[2])).toEqual([
      { "m.relates_to": { rel_type: "m.annotation", event_id: hola.getId(), key: "❤️" } },
      { "m.relates_to": { rel_type: "m.annotation", event_id: hola.getId(), key: "☕" } },
    ]);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("deletes our message after confirming, and shows it as deleted", async () => {
    const { client, room } = setup();
    const mine = room.message(ANA, "Oops");
    room.message(BOB, "Bob's");
    const { user } = renderTimeline(client);

    expect(within(messageOf("Bob's")).queryByRole("button", { name: "Delete" })).toBeNull();
    await user.click(within(messageOf("Oops")).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete this message?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    expect(client.redactEvent).toHaveBeenCalledWith(ROOM_ID, mine.getId());
    expect(within(log()).getByText("Message deleted")).toBeInTheDocument();
    expect(within(log()).queryByText("Oops")).toBeNull();
  });

  it("hands a message to reply to or correct, with its text", async () => {
    const { client, room } = setup();
    const hola = room.message(BOB, "Yo soy cansado");
    room.message(ANA, "Mine");
    const onReply = vi.fn();
    const onCorrect = vi.fn();
    const { user } = renderTimeline(client, { onReply, onCorrect });

    const bobs = within(messageOf("Yo soy cansado"));
    await user.click(bobs.getByRole("button", { name: "Reply" }));
    await user.click(bobs.getByRole("button", { name: "Correct" }));
    const expected = { eventId: hola.getId(), senderName: "Bob Silva", body: "Yo soy cansado" };
    expect(onReply).toHaveBeenCalledWith(expected);
    expect(onCorrect).toHaveBeenCalledWith(expected);
    expect(within(messageOf("Mine")).queryByRole("button", { name: "Correct" })).toBeNull();
  });

  it("shows edits as edited, replies with their quote, corrections and undecryptable messages", () => {
    const { client, room } = setup();
    const question = room.message(BOB, "Como estas?");
    room.edit(BOB, question.getId() ?? "", "¿Cómo estás?");
    const answer = room.message(ANA, "Yo soy bien", {
      content: {
        msgtype: "m.text",
        body: "> <@bob:example.org> ¿Cómo estás?\n\nYo soy bien",
        "m.relates_to": { "m.in_reply_to": { event_id: question.getId() } },
      },
    });
    room.event(BOB, "m.room.message", {
      msgtype: "m.text",
      body: "Correction: “Yo estoy bien”",
      "m.relates_to": { rel_type: "org.xstream.correction", event_id: answer.getId() },
      "org.xstream.correction": { original: "Yo soy bien", corrected: "Yo estoy bien" },
    });
    room.event(
      BOB,
      "m.room.message",
      { msgtype: "m.bad.encrypted", body: "** Unable to decrypt **" },
      {
        decryption: "failed",
      },
    );
    renderTimeline(client);

    expect(within(messageOf("¿Cómo estás?")).getByText("(edited)")).toBeInTheDocument();
    const reply = messageOf("Yo soy bien");
    expect(within(reply).getByText("In reply to Bob Silva")).toBeInTheDocument();
    const correction = within(reply).getByRole("region", { name: "Correction by Bob Silva" });
    expect(within(correction).getByText("estoy")).toBeInTheDocument();
    expect(within(log()).getByText("Unable to decrypt this message")).toBeInTheDocument();
    expect(within(log()).queryByText(/\*\* Unable/)).toBeNull();
  });

  it("shows who is typing and who has read up to where, and sends our read receipt", async () => {
    const { client, room } = setup();
    room.message(BOB, "first");
    const last = room.message(BOB, "second");
    room.setReadUpTo(BOB, last.getId() ?? "");
    renderTimeline(client);

    expect(
      within(messageOf("second")).getByRole("img", { name: "Read by Bob Silva" }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(client.setRoomReadMarkers).toHaveBeenCalledWith(
        ROOM_ID,
        last.getId(),
        last,
        undefined,
      ),
    );

    await act(async () => {
      const bob = room.getMember(BOB);
      if (bob) bob.typing = true;
      client.emit("RoomMember.typing", {}, bob);
    });
    expect(screen.getByTestId("typing")).toHaveTextContent("Bob Silva is typing…");
  });

  it("loads older messages when scrolled to the top", async () => {
    const { client, room } = setup();
    for (let index = 0; index < 40; index++) {
      room.olderEvents.push(room.message(BOB, `old ${index}`));
    }
    room.events.splice(0); // The older ones are still on the server.
    room.backToken = "t1";
    room.message(BOB, "newest");
    vi.spyOn(Element.prototype, "scrollHeight", "get").mockReturnValue(5000);
    renderTimeline(client);
    expect(client.paginateEventTimeline).not.toHaveBeenCalled();

    log().scrollTop = 0;
    fireEvent.scroll(log());

    await waitFor(() => expect(within(log()).getByText("old 10")).toBeInTheDocument());
    expect(client.paginateEventTimeline).toHaveBeenCalledWith(expect.anything(), {
      backwards: true,
      limit: 30,
    });
    expect(within(log()).queryByText("old 9")).toBeNull(); // Not loaded yet: 10 left.
    // Virtualised: only the rows near the (jsdom, unscrolled) viewport are in the page.
    expect(within(log()).queryByText("newest")).toBeNull();
    expect(within(log()).getByRole("button", { name: "Load older messages" })).toBeInTheDocument();
  });
});

describe("TimelineViewModel", () => {
  it("pages back until the start of the room, once at a time", async () => {
    const { client, room } = setup();
    for (let index = 0; index < 35; index++) room.olderEvents.push(room.message(BOB, `m${index}`));
    room.events.splice(0);
    room.backToken = "t1";
    const model = new TimelineViewModel(client as unknown as MatrixClient, ROOM_ID);
    const stop = model.subscribe(() => {});

    expect(model.getSnapshot().hasMoreHistory).toBe(true);
    const first = model.loadOlder();
    void model.loadOlder(); // Ignored while loading.
    expect(model.getSnapshot().loadingHistory).toBe(true);
    await first;
    await model.loadOlder();
    await model.loadOlder();

    expect(client.paginateEventTimeline).toHaveBeenCalledTimes(2);
    const snapshot = model.getSnapshot();
    expect(snapshot.hasMoreHistory).toBe(false);
    expect(snapshot.items.filter((item) => item.kind === "message")).toHaveLength(35);
    stop();
  });

  it("says when older messages could not be loaded", async () => {
    const { client, room } = setup();
    room.backToken = "t1";
    client.paginateEventTimeline.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    const model = new TimelineViewModel(client as unknown as MatrixClient, ROOM_ID);
    await model.loadOlder();
    expect(model.getSnapshot().historyError).toBe("Couldn't load older messages: M_LIMIT_EXCEEDED");
  });
});
