import type { Pool, PoolClient } from "pg";
import type { PresenceUpdate } from "../../domain/activity.js";
import type { ClientEvent } from "../../matrix/events.js";
import type { TransactionStore, UserActivityRecord } from "../transactionStore.js";
import { withTransaction } from "./database.js";

async function recordUserActivity(client: PoolClient, activity: readonly UserActivityRecord[]) {
  if (activity.length === 0) return;
  // One statement for the whole batch; callers pass at most one record per user, as
  // ON CONFLICT cannot update the same row twice in one statement. Whatever became newer is
  // copied onto the user's profile, where partner suggestions rank by it.
  await client.query(
    `WITH newer AS (
       INSERT INTO user_activity (user_id, last_active_at, last_event_id)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])
       ON CONFLICT (user_id) DO UPDATE
         SET last_active_at = EXCLUDED.last_active_at, last_event_id = EXCLUDED.last_event_id
         WHERE user_activity.last_active_at <= EXCLUDED.last_active_at
       RETURNING user_id, last_active_at
     )
     UPDATE profiles p SET last_active_at = newer.last_active_at
     FROM newer
     WHERE p.user_id = newer.user_id
       AND (p.last_active_at IS NULL OR p.last_active_at < newer.last_active_at)`,
    [
      activity.map((a) => a.userId),
      activity.map((a) => a.lastActiveAt),
      activity.map((a) => a.lastEventId),
    ],
  );
}

async function recordPresence(client: PoolClient, presence: readonly PresenceUpdate[]) {
  if (presence.length === 0) return;
  // As above: at most one record per user.
  await client.query(
    `INSERT INTO user_presence (user_id, presence, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
     ON CONFLICT (user_id) DO UPDATE
       SET presence = EXCLUDED.presence, updated_at = EXCLUDED.updated_at
       WHERE user_presence.updated_at <= EXCLUDED.updated_at`,
    [presence.map((p) => p.userId), presence.map((p) => p.presence), presence.map((p) => p.at)],
  );
}

async function keepUntilHandled(client: PoolClient, events: readonly ClientEvent[]) {
  if (events.length === 0) return;
  // unnest keeps the array order, so seq follows the order the homeserver sent.
  await client.query(
    `INSERT INTO appservice_inbox (event_id, event)
     SELECT * FROM unnest($1::text[], $2::jsonb[])
     ON CONFLICT (event_id) DO NOTHING`,
    [events.map((event) => event.event_id), events.map((event) => JSON.stringify(event))],
  );
}

/**
 * Rooms drained at once by one process: each holds a connection for its lock, and the listeners
 * need the pool's others for their own queries.
 */
const DRAIN_SLOTS = 8;

/** Runs at most `slots` of the given tasks at a time, the others waiting in turn. */
function limiter(slots: number) {
  let free = slots;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

async function drainHeldRoom(
  client: PoolClient,
  roomId: string,
  handle: (event: ClientEvent) => Promise<void>,
) {
  for (;;) {
    const { rows } = await client.query<{ seq: string; event: ClientEvent }>(
      `SELECT seq, event FROM appservice_inbox WHERE event->>'room_id' = $1 ORDER BY seq LIMIT 1`,
      [roomId],
    );
    const next = rows[0];
    if (!next) return;
    await handle(next.event);
    await client.query("DELETE FROM appservice_inbox WHERE seq = $1", [next.seq]);
  }
}

export function createPgTransactionStore(pool: Pool): TransactionStore {
  const drainSlot = limiter(DRAIN_SLOTS);
  return {
    runOnce(txnId, eventCount, apply) {
      return withTransaction(pool, async (client) => {
        // If the same txn id is being applied concurrently, this waits for that transaction
        // and then sees its row, so effects are never applied twice.
        const inserted = await client.query(
          `INSERT INTO appservice_transactions (txn_id, event_count) VALUES ($1, $2)
           ON CONFLICT (txn_id) DO NOTHING`,
          [txnId, eventCount],
        );
        // Nothing was written: committing the empty transaction is as good as rolling back.
        if (inserted.rowCount === 0) return "duplicate";
        await apply({
          recordUserActivity: (activity) => recordUserActivity(client, activity),
          recordPresence: (presence) => recordPresence(client, presence),
          keepUntilHandled: (events) => keepUntilHandled(client, events),
        });
        return "applied";
      });
    },
    async markHandled(eventIds) {
      if (eventIds.length === 0) return;
      await pool.query("DELETE FROM appservice_inbox WHERE event_id = ANY($1::text[])", [
        [...eventIds],
      ]);
    },
    async unhandled() {
      const { rows } = await pool.query<{ event: ClientEvent }>(
        "SELECT event FROM appservice_inbox ORDER BY seq",
      );
      return rows.map((row) => row.event);
    },
    async roomsWithUnhandled() {
      const { rows } = await pool.query<{ room_id: string }>(
        "SELECT DISTINCT event->>'room_id' AS room_id FROM appservice_inbox",
      );
      return rows.map((row) => row.room_id);
    },
    drainRoom(roomId, handle) {
      return drainSlot(async () => {
        const client = await pool.connect();
        // As in withTransaction: a connection lost while `handle` runs must not be an unhandled
        // 'error' event; the client is then discarded, and with it the session's lock.
        let broken: Error | undefined;
        const onError = (error: Error) => {
          broken = error;
        };
        client.on("error", onError);
        try {
          // A session-level lock: held across the handling (Synapse calls included), released
          // with the connection if this process dies.
          const { rows } = await client.query<{ held: boolean }>(
            "SELECT pg_try_advisory_lock(hashtextextended('appservice-room:' || $1, 0)) AS held",
            [roomId],
          );
          if (!rows[0]?.held) return false;
          try {
            await drainHeldRoom(client, roomId, handle);
          } finally {
            await client
              .query("SELECT pg_advisory_unlock(hashtextextended('appservice-room:' || $1, 0))", [
                roomId,
              ])
              .catch((error: unknown) => {
                broken ??= error instanceof Error ? error : new Error(String(error));
              });
          }
          return true;
        } catch (error) {
          // Whatever failed, the lock must not outlive this call in a pooled connection.
          broken ??= error instanceof Error ? error : new Error(String(error));
          throw error;
        } finally {
          client.off("error", onError);
          client.release(broken);
        }
      });
    },
  };
}
