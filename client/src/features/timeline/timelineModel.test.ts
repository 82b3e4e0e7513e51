import { describe, expect, it } from "vitest";
import type { Person } from "./people";
import {
  buildTimeline,
  keepUnchangedRows,
  type MessageItem,
  type TimelineContext,
  type TimelineEventInput,
  type TimelineItem,
} from "./timelineModel";

const ME = "@me:x";
const me: Person = { userId: ME, name: "Mia" };
const ana: Person = { userId: "@ana:x", name: "Ana" };
const ben: Person = { userId: "@ben:x", name: "Ben" };
const context: TimelineContext = { myUserId: ME, myName: "Mia", mayRedactOthers: false };

const T0 = new Date(2025, 0, 6, 12, 0).getTime();
const MINUTE = 60_000;
let counter = 0;

function event(
  sender: Person,
  content: Record<string, unknown>,
  extra: Partial<TimelineEventInput> = {},
): TimelineEventInput {
  const id = `$e${++counter}`;
  return {
    key: id,
    eventId: id,
    type: "m.room.message",
    sender,
    ts: T0,
    content,
    redacted: false,
    decryption: "none",
    delivery: "sent",
    readBy: [],
    ...extra,
  };
}

const text = (sender: Person, body: string, extra: Partial<TimelineEventInput> = {}) =>
  event(sender, { msgtype: "m.text", body }, extra);

const messages = (items: TimelineItem[]) =>
  items.filter((item): item is MessageItem => item.kind === "message");

describe("buildTimeline", () => {
  it("puts a day separator before each new day", () => {
    const items = buildTimeline(
      [
        text(ana, "one"),
        text(ana, "two", { ts: T0 + MINUTE }),
        text(ben, "three", { ts: T0 + 24 * 60 * MINUTE }),
      ],
      context,
    );
    expect(items.map((item) => item.kind)).toEqual(["day", "message", "message", "day", "message"]);
  });

  it("groups consecutive messages by the same sender within five minutes", () => {
    const items = messages(
      buildTimeline(
        [
          text(ana, "a1"),
          text(ana, "a2", { ts: T0 + MINUTE }),
          text(ben, "b1", { ts: T0 + 2 * MINUTE }),
          text(ben, "b2", { ts: T0 + 10 * MINUTE }),
          event(ben, { msgtype: "m.emote", body: "waves" }, { ts: T0 + 11 * MINUTE }),
        ],
        context,
      ),
    );
    expect(items.map((item) => item.continuation)).toEqual([false, true, false, false, false]);
  });

  it("shows the latest edit by the sender, marked edited, and ignores others' edits", () => {
    const original = text(ana, "helo");
    const items = messages(
      buildTimeline(
        [
          original,
          event(ana, {
            body: "* hello",
            "m.new_content": { msgtype: "m.text", body: "hello" },
            "m.relates_to": { rel_type: "m.replace", event_id: original.eventId },
          }),
          event(ben, {
            body: "* hacked",
            "m.new_content": { msgtype: "m.text", body: "hacked" },
            "m.relates_to": { rel_type: "m.replace", event_id: original.eventId },
          }),
        ],
        context,
      ),
    );
    expect(items).toHaveLength(1);
    expect(items[0]?.body).toMatchObject({ kind: "text", text: "hello" });
    expect(items[0]?.edited).toBe(true);
  });

  it("shows deleted messages as deleted, without actions, and hides deleted reactions", () => {
    const message = text(ana, "", { redacted: true, content: {} });
    const kept = text(ben, "kept");
    const items = messages(
      buildTimeline(
        [
          message,
          kept,
          event(
            ana,
            { "m.relates_to": { rel_type: "m.annotation", event_id: kept.eventId, key: "👍" } },
            {
              type: "m.reaction",
              redacted: true,
            },
          ),
        ],
        context,
      ),
    );
    expect(items[0]).toMatchObject({
      body: { kind: "deleted" },
      canReact: false,
      canRedact: false,
    });
    expect(items[1]?.reactions).toEqual([]);
  });

  it("quotes the message replied to, without the reply fallback", () => {
    const original = text(ana, "¿Cómo estás?");
    const reply = event(me, {
      msgtype: "m.text",
      body: "> <@ana:x> ¿Cómo estás?\n\nBien, ¿y tú?",
      "m.relates_to": { "m.in_reply_to": { event_id: original.eventId } },
    });
    const orphan = event(me, {
      msgtype: "m.text",
      body: "hm",
      "m.relates_to": { "m.in_reply_to": { event_id: "$gone" } },
    });
    const [, answer, lost] = messages(buildTimeline([original, reply, orphan], context));
    expect(answer?.body).toMatchObject({ text: "Bien, ¿y tú?" });
    expect(answer?.replyTo).toEqual({
      eventId: original.eventId,
      senderName: "Ana",
      text: "¿Cómo estás?",
    });
    expect(lost?.replyTo).toEqual({ eventId: "$gone", senderName: null, text: null });
  });

  it("shows a notice for messages that could not be decrypted", () => {
    const [failed, pending] = messages(
      buildTimeline(
        [
          event(
            ana,
            { msgtype: "m.bad.encrypted", body: "** Unable to decrypt **" },
            { decryption: "failed" },
          ),
          event(ana, { ciphertext: "AwgA…" }, { type: "m.room.encrypted", decryption: "pending" }),
        ],
        context,
      ),
    );
    expect(failed?.body).toEqual({ kind: "undecryptable" });
    expect(pending?.body).toEqual({ kind: "decrypting" });
    expect(failed?.canCorrect).toBe(false);
  });

  it("aggregates reactions under their message", () => {
    const message = text(ana, "hola");
    const reaction = (sender: Person, key: string) =>
      event(
        sender,
        { "m.relates_to": { rel_type: "m.annotation", event_id: message.eventId, key } },
        {
          type: "m.reaction",
        },
      );
    const items = buildTimeline([message, reaction(ben, "👍"), reaction(me, "👍")], context);
    expect(items).toHaveLength(2);
    expect(messages(items)[0]?.reactions).toEqual([
      { key: "👍", senders: [ben, me], mine: expect.stringMatching(/^\$e/) },
    ]);
  });

  it("shows corrections of a loaded message under it, and alone otherwise", () => {
    const message = text(ana, "Yo soy cansado");
    const correction = (target: string) =>
      event(me, {
        msgtype: "m.text",
        body: "Correction: “Yo estoy cansado”",
        "m.relates_to": { rel_type: "org.xstream.correction", event_id: target },
        "org.xstream.correction": { original: "Yo soy cansado", corrected: "Yo estoy cansado" },
      });
    const items = messages(
      buildTimeline([message, correction(message.eventId ?? ""), correction("$old")], context),
    );
    expect(items).toHaveLength(2);
    expect(items[0]?.corrections).toEqual([
      expect.objectContaining({
        senderName: "Mia",
        original: "Yo soy cansado",
        corrected: "Yo estoy cansado",
      }),
    ]);
    expect(items[1]?.body).toMatchObject({ text: "Correction: “Yo estoy cansado”" });
  });

  it("shows read receipts on the message at or above them, never the reader's own", () => {
    const first = text(ana, "one", { readBy: [me] });
    const second = text(ana, "two", { readBy: [ben] });
    const hiddenReaction = event(
      ben,
      { "m.relates_to": { rel_type: "m.annotation", event_id: second.eventId, key: "👍" } },
      { type: "m.reaction", readBy: [ana] },
    );
    const items = messages(buildTimeline([first, second, hiddenReaction], context));
    expect(items.map((item) => item.readBy)).toEqual([[], [ben, ana]]);
  });

  it("highlights mentions of the reader and decides who may do what", () => {
    const items = messages(
      buildTimeline(
        [
          text(ana, "Hi Mia!"),
          event(ana, { msgtype: "m.text", body: "hey", "m.mentions": { user_ids: [ME] } }),
          text(me, "Mia here"),
          text(me, "sending", { eventId: null, key: "~txn", delivery: "sending" }),
        ],
        context,
      ),
    );
    expect(items.map((item) => item.mentionsMe)).toEqual([true, true, false, false]);
    expect(items.map((item) => [item.canEdit, item.canRedact, item.canCorrect])).toEqual([
      [false, false, true],
      [false, false, true],
      [true, true, false],
      [false, false, false],
    ]);
    const moderated = messages(
      buildTimeline([text(ana, "spam")], { ...context, mayRedactOthers: true }),
    );
    expect(moderated[0]?.canRedact).toBe(true);
  });

  it("starts a new group when the sender changed their name or picture", () => {
    const renamed: Person = { ...ana, name: "Ana Lima" };
    const pictured: Person = { ...renamed, avatarUrl: "mxc://x/ana" };
    const items = messages(
      buildTimeline(
        [
          text(ana, "one"),
          text(ana, "two", { ts: T0 + MINUTE }),
          text(renamed, "three", { ts: T0 + 2 * MINUTE }),
          text(pictured, "four", { ts: T0 + 3 * MINUTE }),
          text(pictured, "five", { ts: T0 + 4 * MINUTE }),
        ],
        context,
      ),
    );
    expect(items.map((item) => item.continuation)).toEqual([false, true, false, false, true]);
  });

  describe("media messages", () => {
    const key = {
      kty: "oct",
      key_ops: ["encrypt", "decrypt"],
      alg: "A256CTR",
      k: "a2V5",
      ext: true,
    };
    const encrypted = (url: string) => ({
      url,
      key,
      iv: "aXY",
      hashes: { sha256: "aGFzaA" },
      v: "v2",
    });
    const bodyOf = (content: Record<string, unknown>, extra: Partial<TimelineEventInput> = {}) =>
      messages(buildTimeline([event(ana, content, extra)], context))[0]?.body;

    it("reads an image with its size and thumbnail", () => {
      expect(
        bodyOf({
          msgtype: "m.image",
          body: "beach.jpg",
          url: "mxc://x/beach",
          info: {
            w: 4000,
            h: 3000,
            mimetype: "image/jpeg",
            size: 2_400_000,
            thumbnail_url: "mxc://x/beach-small",
            thumbnail_info: { w: 800, h: 600 },
          },
        }),
      ).toEqual({
        kind: "image",
        name: "beach.jpg",
        caption: null,
        media: { mxc: "mxc://x/beach", encryption: null },
        thumbnail: { mxc: "mxc://x/beach-small", encryption: null },
        mimetype: "image/jpeg",
        size: 2_400_000,
        width: 4000,
        height: 3000,
      });
    });

    it("reads an encrypted image from `file`, and its encrypted thumbnail", () => {
      const body = bodyOf({
        msgtype: "m.image",
        body: "secret.png",
        file: encrypted("mxc://x/secret"),
        info: { thumbnail_file: encrypted("mxc://x/secret-small") },
      });
      expect(body).toMatchObject({
        kind: "image",
        media: { mxc: "mxc://x/secret", encryption: { iv: "aXY", hashes: { sha256: "aGFzaA" } } },
        thumbnail: { mxc: "mxc://x/secret-small" },
        width: null,
        height: null,
      });
    });

    it("reads files, video and audio, and tells a voice message by its MSC3245 marker", () => {
      expect(
        bodyOf({
          msgtype: "m.file",
          body: "Notes for Tuesday",
          filename: "notes.pdf",
          url: "mxc://x/notes",
          info: { mimetype: "application/pdf", size: 48_213 },
        }),
      ).toMatchObject({
        kind: "file",
        name: "notes.pdf",
        caption: "Notes for Tuesday",
        size: 48_213,
      });
      expect(
        bodyOf({
          msgtype: "m.video",
          body: "clip.mp4",
          url: "mxc://x/clip",
          info: { duration: 9000 },
        }),
      ).toMatchObject({ kind: "video", name: "clip.mp4", durationMs: 9000 });
      expect(
        bodyOf({
          msgtype: "m.audio",
          body: "song.mp3",
          url: "mxc://x/song",
          info: { duration: 3000 },
        }),
      ).toMatchObject({ kind: "audio", voice: false, durationMs: 3000 });
      expect(
        bodyOf({
          msgtype: "m.audio",
          body: "Voice message",
          url: "mxc://x/voice",
          filename: "Voice message.ogg",
          "org.matrix.msc1767.audio": { duration: 4200, waveform: [0, 512, 1024] },
          "org.matrix.msc3245.voice": {},
        }),
      ).toMatchObject({ kind: "audio", voice: true, durationMs: 4200, caption: null });
    });

    it("shows a sticker as an image", () => {
      expect(
        bodyOf(
          { body: "A waving cat", url: "mxc://x/cat", info: { w: 128, h: 128 } },
          { type: "m.sticker" },
        ),
      ).toMatchObject({ kind: "image", name: "A waving cat", width: 128 });
    });

    it("falls back to the text body when the media address is missing or malformed", () => {
      for (const content of [
        { msgtype: "m.image", body: "photo.jpg" },
        { msgtype: "m.image", body: "photo.jpg", url: "https://evil.example/photo.jpg" },
        { msgtype: "m.file", body: "doc.pdf", file: { url: "mxc://x/doc" } },
      ]) {
        expect(bodyOf(content)).toMatchObject({ kind: "text", text: content.body });
      }
    });

    it("lets people reply to media and react to it, but not edit or correct it", () => {
      const [own] = messages(
        buildTimeline([event(me, { msgtype: "m.file", body: "a.pdf", url: "mxc://x/a" })], context),
      );
      const [theirs] = messages(
        buildTimeline(
          [event(ana, { msgtype: "m.file", body: "b.pdf", url: "mxc://x/b" })],
          context,
        ),
      );
      expect(own).toMatchObject({
        canReply: true,
        canReact: true,
        canEdit: false,
        canRedact: true,
      });
      expect(theirs).toMatchObject({ canReply: true, canCorrect: false });
    });
  });
});

describe("buildTimeline with calls", () => {
  const member = (sender: Person, content: Record<string, unknown>, ts: number) =>
    event(sender, content, {
      type: "org.matrix.msc3401.call.member",
      ts,
    });

  it("shows call started and ended where the membership events sit, breaking the group", () => {
    const before = text(ana, "shall we call?", { ts: T0 });
    const joined = member(ana, { application: "m.call", device_id: "D" }, T0 + MINUTE);
    const left = member(ana, {}, T0 + 5 * MINUTE);
    const after = text(ana, "thanks!", { ts: T0 + 6 * MINUTE });
    const notices = new Map([
      [
        joined.key,
        {
          kind: "started" as const,
          key: joined.key,
          ts: joined.ts,
          starter: ana,
          intent: "video" as const,
          text: "Ana started a video call",
        },
      ],
      [
        left.key,
        {
          kind: "ended" as const,
          key: left.key,
          ts: left.ts,
          durationMs: 4 * MINUTE,
          text: "Call ended",
        },
      ],
    ]);
    const items = buildTimeline([before, joined, left, after], {
      ...context,
      callNotices: notices,
    });
    expect(items.map((item) => (item.kind === "call" ? item.notice.text : item.kind))).toEqual([
      "day",
      "message",
      "Ana started a video call",
      "Call ended",
      "message",
    ]);
    // The sender is shown again after the call: it is not a continuation of "shall we call?".
    expect(messages(items)[1]?.continuation).toBe(false);
  });

  it("shows no row for membership events without a notice (another device joining)", () => {
    const joined = member(ana, { application: "m.call", device_id: "D" }, T0);
    expect(buildTimeline([joined], context).map((item) => item.kind)).toEqual([]);
  });
});

describe("keepUnchangedRows", () => {
  it("keeps the earlier object of every row that did not change, so its tile need not render", () => {
    const first = text(ana, "uno");
    const second = text(ben, "dos", { ts: T0 + MINUTE });
    const before = buildTimeline([first, second], context);
    const third = text(me, "tres", { ts: T0 + 2 * MINUTE, delivery: "sending" });

    const after = keepUnchangedRows(before, buildTimeline([first, second, third], context));

    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(0, before.length).every((row, index) => row === before[index])).toBe(true);
    expect(messages(after).at(-1)).toMatchObject({ own: true, delivery: "sending" });
  });

  it("gives a changed row its new object, and the other rows their old ones", () => {
    const first = text(ana, "uno");
    const second = text(ben, "dos", { ts: T0 + MINUTE });
    const before = buildTimeline([first, second], context);
    const reaction = event(
      me,
      { "m.relates_to": { rel_type: "m.annotation", event_id: first.eventId, key: "👍" } },
      { type: "m.reaction" },
    );

    const after = keepUnchangedRows(before, buildTimeline([first, second, reaction], context));

    const [oldFirst, oldSecond] = messages(before);
    const [newFirst, newSecond] = messages(after);
    expect(newFirst).not.toBe(oldFirst);
    expect(newFirst?.reactions).toEqual([expect.objectContaining({ key: "👍", senders: [me] })]);
    expect(newSecond).toBe(oldSecond);
  });

  it("returns the earlier list itself when nothing shown changed", () => {
    const rows = [text(ana, "uno"), text(ben, "dos", { ts: T0 + MINUTE })];
    const before = buildTimeline(rows, context);

    expect(keepUnchangedRows(before, buildTimeline(rows, context))).toBe(before);
  });

  it("notices a row that moved, even when every row is equal to one before", () => {
    const first = text(ana, "uno");
    const second = text(ben, "dos", { ts: T0 + MINUTE });
    const before = buildTimeline([first, second], context);
    const reordered = [...before].reverse();

    const after = keepUnchangedRows(before, reordered);

    expect(after).not.toBe(before);
    expect(after.map((row) => row.key)).toEqual(reordered.map((row) => row.key));
  });
});
