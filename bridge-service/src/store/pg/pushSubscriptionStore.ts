import type pg from "pg";
import type { PushSubscriptionStore, WebPushSubscription } from "../../domain/webPush.js";

interface SubscriptionRow {
  pushkey: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Date;
}

const fromRow = (row: SubscriptionRow): WebPushSubscription => ({
  pushkey: row.pushkey,
  userId: row.user_id,
  endpoint: row.endpoint,
  p256dh: row.p256dh,
  auth: row.auth,
  createdAt: row.created_at,
});

export function createPgPushSubscriptionStore(pool: pg.Pool): PushSubscriptionStore {
  return {
    async save(subscription, maxPerUser) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // The keys may have changed (a browser renews them); the pushkey stays.
        const { rows } = await client.query<SubscriptionRow>(
          `INSERT INTO push_subscriptions (pushkey, user_id, endpoint, p256dh, auth, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (user_id, endpoint) DO UPDATE SET p256dh = $4, auth = $5
           RETURNING *`,
          [
            subscription.pushkey,
            subscription.userId,
            subscription.endpoint,
            subscription.p256dh,
            subscription.auth,
            subscription.createdAt,
          ],
        );
        await client.query(
          `DELETE FROM push_subscriptions WHERE user_id = $1 AND pushkey NOT IN (
             SELECT pushkey FROM push_subscriptions WHERE user_id = $1
             ORDER BY created_at DESC, pushkey LIMIT $2)`,
          [subscription.userId, maxPerUser],
        );
        await client.query("COMMIT");
        const row = rows[0];
        if (!row) throw new Error("push subscription upsert returned no row");
        return fromRow(row);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async find(pushkey) {
      const { rows } = await pool.query<SubscriptionRow>(
        "SELECT * FROM push_subscriptions WHERE pushkey = $1",
        [pushkey],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    async remove(pushkey, userId) {
      const result = await pool.query(
        "DELETE FROM push_subscriptions WHERE pushkey = $1 AND ($2::text IS NULL OR user_id = $2)",
        [pushkey, userId ?? null],
      );
      return (result.rowCount ?? 0) > 0;
    },
  };
}
