import { describe, expect, it, vi } from "vitest";
import { FakeRoomListClient, joinedRoom, later, ME } from "../../test/fakeRoomList";
import { RoomListViewModel } from "./RoomListViewModel";

const BOB = "@bob:example.org";
const CARLA = "@carla:example.org";
const BOT = "@xstream:example.org";

/** Lets the model apply the changes it collected (made to do so at once, see setUp). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function setUp() {
  const client = new FakeRoomListClient();
  const model = new RoomListViewModel(client.asClient(), { flushEveryMs: 0 });
  let notified = 0;
  const unsubscribe = model.subscribe(() => notified++);
  return { client, model, unsubscribe, notifications: () => notified };
}

const names = (entries: Array<{ name: string }>) => entries.map((entry) => entry.name);

describe("RoomListViewModel", () => {
  it("keeps the list for the next start a while after it changes, never an empty one", () => {
    vi.useFakeTimers();
    try {
      const client = new FakeRoomListClient();
      const save = vi.fn();
      const model = new RoomListViewModel(client.asClient(), { flushEveryMs: 0, save });
      model.subscribe(() => {});
      vi.advanceTimersByTime(10_000);
      expect(save).not.toHaveBeenCalled();

      const bob = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]]);
      bob.message(BOB, "Hola!", { ts: later() });
      client.addRoom(bob);
      const book = joinedRoom("!book:example.org", [], { explicitName: "Book club" });
      client.addRoom(book);
      vi.advanceTimersByTime(10_000);
      expect(save).toHaveBeenCalledTimes(1);
      expect(save.mock.calls[0]?.[0]).toMatchObject({
        direct: [{ name: "Bob Silva", preview: "Bob Silva: Hola!" }],
        groups: [{ name: "Book club" }],
        total: 2,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("applies a burst of arriving rooms in a few updates, not one per room", async () => {
    const client = new FakeRoomListClient();
    const model = new RoomListViewModel(client.asClient(), { flushEveryMs: 300 });
    let notified = 0;
    model.subscribe(() => notified++);
    // As the SDK adds a sliding sync answer's rooms: one at a time, with awaits in between.
    for (let i = 0; i < 200; i++) {
      const room = joinedRoom(`!g${i}:example.org`, [], { explicitName: `Group ${i}` });
      room.message(BOB, `Hello ${i}`, { ts: later() });
      client.addRoom(room);
      await Promise.resolve();
    }
    await settle();
    expect(model.getSnapshot().groups).toHaveLength(200);
    expect(model.getSnapshot().groups[0]?.name).toBe("Group 199");
    expect(notified).toBe(1);

    // What changes right after waits for the spacing, then comes in one update.
    client.addRoom(joinedRoom("!late:example.org", [], { explicitName: "Late group" }));
    await settle();
    expect(model.getSnapshot().groups).toHaveLength(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(model.getSnapshot().groups).toHaveLength(201);
    expect(notified).toBe(2);
  });

  it("splits joined rooms into direct rooms and groups, latest activity first", async () => {
    const { client, model } = setUp();
    const bob = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]], { name: "Bob Silva" });
    bob.message(BOB, "Hola!", { ts: later() });
    const study = joinedRoom(
      "!study:example.org",
      [
        [BOB, "Bob Silva"],
        [CARLA, "Carla Ruiz"],
      ],
      { explicitName: "Study group" },
    );
    study.message(CARLA, "Who is in tomorrow?", { ts: later() });
    const carla = joinedRoom("!carla:example.org", [[CARLA, "Carla Ruiz"]], { name: "Carla" });
    carla.message(ME, "Thanks!", { ts: later() });
    const book = joinedRoom("!book:example.org", [[BOB, "Bob Silva"]], {
      explicitName: "Book club",
    });
    book.message(BOB, "Chapter 3 tonight", { ts: later() });
    const invited = joinedRoom("!inv:example.org", [], { name: "Bob Silva" });
    invited.invitedBy(BOB, "Bob Silva");
    for (const room of [bob, study, carla, book, invited]) client.addRoom(room);
    // Book club has two people but a name of its own: a group, as m.direct does not list it.
    client.setDirect({ [BOB]: ["!bob:example.org"] });
    await settle();

    const snapshot = model.getSnapshot();
    expect(names(snapshot.direct)).toEqual(["Carla Ruiz", "Bob Silva"]);
    expect(names(snapshot.groups)).toEqual(["Book club", "Study group"]);
    expect(names(snapshot.invites)).toEqual(["Bob Silva"]);
    expect(snapshot.total).toBe(5);
    expect(snapshot.direct[0]).toMatchObject({
      roomId: "!carla:example.org",
      initials: "CR",
      preview: "You: Thanks!",
      direct: true,
    });
    expect(snapshot.groups[1]?.preview).toBe("Carla Ruiz: Who is in tomorrow?");
  });

  it("treats a room the bot set up with an is_direct invite as the partner's direct room", async () => {
    const { client, model } = setUp();
    const room = joinedRoom(
      "!partners:example.org",
      [
        [BOT, "Xstream"],
        [BOB, "Bob Silva"],
      ],
      { creator: BOT, name: "Bob Silva and Xstream" },
    );
    room.directInviter = BOT;
    client.addRoom(room);
    await settle();

    expect(model.getSnapshot().direct).toMatchObject([{ name: "Bob Silva", direct: true }]);
  });

  it("counts unread messages and mentions, and labels rooms for screen readers", async () => {
    const { client, model } = setUp();
    const room = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]]);
    client.addRoom(room);
    await settle();
    expect(model.getSnapshot().direct[0]).toMatchObject({ unread: 0, label: "Bob Silva" });

    room.setCounts(3, 1);
    await settle();
    expect(model.getSnapshot().direct[0]).toMatchObject({
      unread: 3,
      mentions: 1,
      label: "Bob Silva, 3 unread, 1 mention",
    });

    room.setCounts(0, 0);
    await settle();
    expect(model.getSnapshot().direct[0]?.label).toBe("Bob Silva");
  });

  it("moves a room to the top and updates its preview when a message arrives", async () => {
    const { client, model } = setUp();
    const bob = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]]);
    bob.message(BOB, "Old news", { ts: later() });
    const carla = joinedRoom("!carla:example.org", [[CARLA, "Carla Ruiz"]]);
    carla.message(CARLA, "Newer", { ts: later() });
    client.addRoom(bob);
    client.addRoom(carla);
    await settle();
    expect(names(model.getSnapshot().direct)).toEqual(["Carla Ruiz", "Bob Silva"]);

    client.receive(bob, bob.message(BOB, "Fresh\nnews", { ts: later() }));
    await settle();

    expect(names(model.getSnapshot().direct)).toEqual(["Bob Silva", "Carla Ruiz"]);
    expect(model.getSnapshot().direct[0]?.preview).toBe("Bob Silva: Fresh news");
  });

  it("applies a burst of sync events in one update", async () => {
    const { client, notifications } = setUp();
    await settle();
    const before = notifications();
    const room = joinedRoom("!bob:example.org", [[BOB, "Bob Silva"]]);
    client.addRoom(room);
    for (let i = 0; i < 20; i++) client.receive(room, room.message(BOB, `#${i}`, { ts: later() }));
    await settle();

    expect(notifications() - before).toBe(1);
  });

  it("follows m.direct changes, leaving and forgotten rooms", async () => {
    const { client, model } = setUp();
    const room = joinedRoom("!lang:example.org", [[BOB, "Bob Silva"]], {
      explicitName: "Spanish practice",
    });
    client.addRoom(room);
    await settle();
    expect(names(model.getSnapshot().groups)).toEqual(["Spanish practice"]);

    client.setDirect({ [BOB]: ["!lang:example.org"] });
    await settle();
    expect(names(model.getSnapshot().direct)).toEqual(["Spanish practice"]);

    client.changeMembership(room, ME, "Ana Lima", "leave");
    await settle();
    expect(model.getSnapshot().total).toBe(0);

    client.changeMembership(room, ME, "Ana Lima", "join");
    await settle();
    expect(model.getSnapshot().total).toBe(1);
    client.deleteRoom("!lang:example.org");
    await settle();
    expect(model.getSnapshot().total).toBe(0);
  });

  it("filters by name, ignoring case and accents, in every section", async () => {
    const { client, model } = setUp();
    client.addRoom(joinedRoom("!a:example.org", [[BOB, "José"]]));
    client.addRoom(joinedRoom("!b:example.org", [[CARLA, "Carla"]]));
    client.addRoom(joinedRoom("!c:example.org", [], { explicitName: "Jogos" }));
    client.addRoom(joinedRoom("!d:example.org", [], { name: "Jo" }).invitedBy(BOB, "Jo"));
    await settle();

    model.setFilter("  JO ");
    const snapshot = model.getSnapshot();
    expect(snapshot.filter).toBe("  JO ");
    expect(names(snapshot.direct)).toEqual(["José"]);
    expect(names(snapshot.groups)).toEqual(["Jogos"]);
    expect(names(snapshot.invites)).toEqual(["Jo"]);
    expect(snapshot.total).toBe(4);

    model.setFilter("jose");
    expect(names(model.getSnapshot().direct)).toEqual(["José"]);
  });

  it("describes invites: who invited, and whether it is a direct chat", async () => {
    const { client, model } = setUp();
    const direct = joinedRoom("!dm:example.org", [], { name: "Bob Silva", creator: BOB });
    direct.invitedBy(BOB, "Bob Silva", { direct: true });
    const group = joinedRoom("!g:example.org", [], { explicitName: "Book club", creator: CARLA });
    group.invitedBy(CARLA, "Carla Ruiz");
    client.addRoom(direct);
    client.addRoom(group);
    await settle();

    const invites = model.getSnapshot().invites;
    expect(invites).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: "Bob Silva",
          direct: true,
          inviterId: BOB,
          inviterName: "Bob Silva",
        }),
        expect.objectContaining({ name: "Book club", direct: false, inviterName: "Carla Ruiz" }),
      ]),
    );
  });

  it("accepts and declines invites, and says why one failed", async () => {
    const { client, model } = setUp();
    const room = joinedRoom("!g:example.org", [], { explicitName: "Book club" });
    room.invitedBy(CARLA, "Carla Ruiz");
    client.addRoom(room);
    await settle();

    const accepting = model.accept("!g:example.org");
    expect(model.getSnapshot().pending).toEqual({ "!g:example.org": "accepting" });
    await accepting;
    expect(client.joinRoom).toHaveBeenCalledWith("!g:example.org");
    expect(model.getSnapshot()).toMatchObject({ invites: [], pending: {}, error: null });
    expect(names(model.getSnapshot().groups)).toEqual(["Book club"]);

    const other = joinedRoom("!x:example.org", [], { explicitName: "Gone" });
    other.invitedBy(CARLA, "Carla Ruiz");
    client.addRoom(other);
    client.leave.mockRejectedValueOnce(new Error("Server unreachable"));
    await model.decline("!x:example.org");
    expect(model.getSnapshot().error).toBe("Couldn't decline the invite: Server unreachable");
    expect(names(model.getSnapshot().invites)).toEqual(["Gone"]);

    await model.decline("!x:example.org");
    expect(model.getSnapshot()).toMatchObject({ invites: [], error: null });
  });

  it("leaves a room, or says why it could not", async () => {
    const { client, model } = setUp();
    client.addRoom(joinedRoom("!b:example.org", [[BOB, "Bob"]]));
    await settle();

    client.leave.mockRejectedValueOnce(new Error("Offline"));
    expect(await model.leave("!b:example.org")).toBe("Couldn't leave the room: Offline");
    expect(model.getSnapshot().total).toBe(1);

    expect(await model.leave("!b:example.org")).toBeNull();
    expect(client.leave).toHaveBeenLastCalledWith("!b:example.org");
    expect(model.getSnapshot().total).toBe(0);
  });

  it("creates a private group and invites people", async () => {
    const { client, model } = setUp();

    const roomId = await model.createGroup({ name: "Book club", topic: null, invite: [BOB] });
    expect(roomId).toBe("!new:example.org");
    expect(client.createRoom).toHaveBeenCalledWith({
      name: "Book club",
      preset: "private_chat",
      invite: [BOB],
      power_level_content_override: { events: { "org.matrix.msc3401.call.member": 0 } },
    });

    await model.createGroup({ name: "Grammar", topic: "Verbs", invite: [] });
    expect(client.createRoom).toHaveBeenLastCalledWith({
      name: "Grammar",
      topic: "Verbs",
      preset: "private_chat",
      invite: [],
      power_level_content_override: { events: { "org.matrix.msc3401.call.member": 0 } },
    });

    client.createRoom.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    await expect(model.createGroup({ name: "X", topic: null, invite: [] })).rejects.toThrow(
      "Couldn't create the group: M_LIMIT_EXCEEDED",
    );
  });

  it("stops listening when the last subscriber leaves, and catches up on return", async () => {
    const { client, model, unsubscribe } = setUp();
    const room = joinedRoom("!b:example.org", [[BOB, "Bob"]]);
    client.addRoom(room);
    await settle();

    unsubscribe();
    expect(client.listenerCount()).toBe(0);
    room.setCounts(5);
    client.addRoom(joinedRoom("!c:example.org", [[CARLA, "Carla"]]));
    await settle();
    expect(model.getSnapshot().total).toBe(1);

    const again = model.subscribe(() => {});
    await settle();
    expect(model.getSnapshot().total).toBe(2);
    expect(model.getSnapshot().direct.find((r) => r.name === "Bob")?.unread).toBe(5);
    again();
  });
});
