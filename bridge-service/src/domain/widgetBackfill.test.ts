import { EXCHANGE_WIDGET_ID } from "@xstream/contract";
import { describe, expect, it } from "vitest";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import {
  addWidgetToExistingRooms,
  type WidgetBackfillStore,
  type WidgetRoomMatrix,
} from "./widgetBackfill.js";
import {
  exchangeWidgetContent,
  WIDGET_EVENT_TYPE,
  WIDGET_LAYOUT_EVENT_TYPE,
} from "./widgetState.js";

const BOT = "@xstream:hs";
const PUBLIC_URL = "https://xstream.example";

/** The PostgreSQL store's rules on a Map (store/pg/widgetStore.pg.test.ts checks the real one). */
function memoryStore(roomIds: string[]) {
  const rows = new Map(
    roomIds.map((roomId) => [roomId, { claimedAt: undefined as Date | undefined, added: false }]),
  );
  const store: WidgetBackfillStore = {
    async roomsAwaitingWidget(after, limit) {
      return [...rows.entries()]
        .filter(([roomId, row]) => !row.added && roomId > after)
        .map(([roomId]) => roomId)
        .sort()
        .slice(0, limit);
    },
    async claimWidgetRoom(roomId, now, staleAfterMs) {
      const row = rows.get(roomId);
      if (!row || row.added) return false;
      if (row.claimedAt && row.claimedAt.getTime() >= now.getTime() - staleAfterMs) return false;
      row.claimedAt = now;
      return true;
    },
    async markWidgetAdded(roomId) {
      const row = rows.get(roomId);
      if (row) Object.assign(row, { added: true, claimedAt: undefined });
    },
    async releaseWidgetRoom(roomId) {
      const row = rows.get(roomId);
      if (row && !row.added) row.claimedAt = undefined;
    },
  };
  return { store, rows };
}

function memoryMatrix(initial: Record<string, Record<string, Record<string, unknown>>> = {}) {
  const state = new Map<string, Record<string, unknown>>();
  for (const [roomId, events] of Object.entries(initial)) {
    for (const [key, content] of Object.entries(events)) state.set(`${roomId}|${key}`, content);
  }
  const writes: { roomId: string; type: string; stateKey: string }[] = [];
  const failing = new Set<string>();
  const matrix: WidgetRoomMatrix = {
    async stateContent(roomId, type, stateKey) {
      return state.get(`${roomId}|${type}|${stateKey}`);
    },
    async putState(roomId, type, stateKey, content) {
      // A real homeserver answers in its own time: let other work interleave.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failing.has(roomId)) throw new Error("403 M_FORBIDDEN");
      writes.push({ roomId, type, stateKey });
      state.set(`${roomId}|${type}|${stateKey}`, content);
    },
  };
  return { matrix, state, writes, failing };
}

function context(store: WidgetBackfillStore, matrix: WidgetRoomMatrix) {
  const { logger, records } = createCapturedLogger();
  return {
    ctx: { store, matrix, publicUrl: PUBLIC_URL, botUserId: BOT, now: () => new Date(), logger },
    logs: records,
  };
}

describe("addWidgetToExistingRooms", () => {
  it("adds the widget and its layout to each listed room, once", async () => {
    const { store, rows } = memoryStore(["!a:hs", "!b:hs"]);
    const m = memoryMatrix({
      "!b:hs": { [`${WIDGET_LAYOUT_EVENT_TYPE}|`]: { widgets: { other: { container: "top" } } } },
    });
    const { ctx } = context(store, m.matrix);
    expect(await addWidgetToExistingRooms(ctx)).toEqual({ added: 2, present: 0, failed: 0 });
    expect(m.state.get(`!a:hs|${WIDGET_EVENT_TYPE}|${EXCHANGE_WIDGET_ID}`)).toEqual(
      exchangeWidgetContent(PUBLIC_URL, BOT),
    );
    expect(m.state.get(`!b:hs|${WIDGET_LAYOUT_EVENT_TYPE}|`)).toEqual({
      widgets: { other: { container: "top" }, [EXCHANGE_WIDGET_ID]: { container: "right" } },
    });
    expect([...rows.values()].every((row) => row.added)).toBe(true);
    // A second start finds nothing to do.
    expect(await addWidgetToExistingRooms(ctx)).toEqual({ added: 0, present: 0, failed: 0 });
    expect(m.writes).toHaveLength(4);
  });

  it("strikes off a room that has the widget already, without writing", async () => {
    const { store, rows } = memoryStore(["!a:hs"]);
    const m = memoryMatrix({
      "!a:hs": {
        [`${WIDGET_EVENT_TYPE}|${EXCHANGE_WIDGET_ID}`]: exchangeWidgetContent(PUBLIC_URL, BOT),
      },
    });
    const { ctx } = context(store, m.matrix);
    expect(await addWidgetToExistingRooms(ctx)).toEqual({ added: 0, present: 1, failed: 0 });
    expect(m.writes).toEqual([]);
    expect(rows.get("!a:hs")?.added).toBe(true);
  });

  it("lets two replicas starting together write each room once", async () => {
    const roomIds = Array.from({ length: 120 }, (_, i) => `!r${String(i).padStart(3, "0")}:hs`);
    const { store } = memoryStore(roomIds);
    const m = memoryMatrix();
    const [first, second] = await Promise.all([
      addWidgetToExistingRooms(context(store, m.matrix).ctx),
      addWidgetToExistingRooms(context(store, m.matrix).ctx),
    ]);
    expect((first?.added ?? 0) + (second?.added ?? 0)).toBe(120);
    const widgetWrites = m.writes.filter((write) => write.type === WIDGET_EVENT_TYPE);
    expect(widgetWrites).toHaveLength(120);
    expect(new Set(widgetWrites.map((write) => write.roomId)).size).toBe(120);
  });

  it("logs a room it cannot write, goes on with the rest, and leaves it for the next start", async () => {
    const { store, rows } = memoryStore(["!a:hs", "!b:hs"]);
    const m = memoryMatrix();
    m.failing.add("!a:hs");
    const { ctx, logs } = context(store, m.matrix);
    expect(await addWidgetToExistingRooms(ctx)).toEqual({ added: 1, present: 0, failed: 1 });
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 40, roomId: "!a:hs", msg: expect.stringMatching(/failed/) }),
    );
    expect(rows.get("!a:hs")).toEqual({ claimedAt: undefined, added: false });
    m.failing.clear();
    expect(await addWidgetToExistingRooms(ctx)).toEqual({ added: 1, present: 0, failed: 0 });
  });
});
