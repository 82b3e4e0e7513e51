// Partner suggestions for one learner among 100,000 synthetic profiles, measured through the
// real PostgreSQL with the same domain function the API and the bot call; and how many events a
// second the appservice endpoint takes in 1,000-event transactions.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { offeredExchanges } from "../bridge-service/src/domain/matching.ts";
import { findPartners } from "../bridge-service/src/domain/partners.ts";
import type { CefrLevel } from "../bridge-service/src/domain/profiles.ts";
import { createPgPartnerContext } from "../bridge-service/src/testing/partnerHarness.ts";
import { removeStateDir, startTestStack } from "../e2e/harness.ts";
import type { Benchmark } from "./run.ts";
import { percentile, round } from "./stats.ts";

const PROFILES = 100_000;
const QUERIES = 300;
const WARM_UP = 30;
const TRANSACTIONS = 10;
const EVENTS_PER_TRANSACTION = 1_000;

// Roughly how often each language is spoken natively and learnt: a few big ones, a long tail.
const LANGUAGES = [
  "en",
  "es",
  "zh",
  "fr",
  "de",
  "pt",
  "ja",
  "ru",
  "it",
  "ko",
  "ar",
  "hi",
  "tr",
  "nl",
  "pl",
  "sv",
  "el",
  "he",
  "vi",
  "id",
  "th",
  "uk",
  "cs",
  "ro",
  "hu",
  "fi",
  "da",
  "no",
  "ca",
  "ga",
];
const INTERESTS = [
  "hiking",
  "jazz",
  "cooking",
  "football",
  "chess",
  "films",
  "photography",
  "travel",
  "yoga",
  "gaming",
  "reading",
  "running",
  "painting",
  "startups",
  "history",
  "music",
  "science",
  "cycling",
  "theatre",
  "anime",
  "climbing",
  "poetry",
  "gardening",
  "dance",
  "podcasts",
];
const ZONES = [
  "Europe/Madrid",
  "Europe/London",
  "America/New_York",
  "America/Sao_Paulo",
  "Asia/Tokyo",
  "Asia/Shanghai",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Australia/Sydney",
  "America/Mexico_City",
  "Africa/Cairo",
  "America/Los_Angeles",
];
const LEVELS: CefrLevel[] = ["A1", "A2", "B1", "B2", "C1", "C2"];

// Deterministic, so every run measures the same data set.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface SyntheticProfile {
  userId: string;
  native: string[];
  learning: { language: string; level: CefrLevel }[];
  interests: string[];
  timezone: string;
  availability: { day: number; start: string; end: string }[];
  discoverable: boolean;
}

export function syntheticProfiles(count: number): SyntheticProfile[] {
  const next = random(42);
  // Zipf-like: language i is picked with weight 1/(i+1).
  const weights = LANGUAGES.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const language = () => {
    let r = next() * total;
    for (let i = 0; i < LANGUAGES.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return LANGUAGES[i] ?? "en";
    }
    return "en";
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const native = [language()];
    if (next() < 0.1) native.push(language());
    const learning: SyntheticProfile["learning"] = [];
    for (let n = next() < 0.3 ? 2 : 1; learning.length < n; ) {
      const code = language();
      if (!native.includes(code) && !learning.some((entry) => entry.language === code)) {
        learning.push({ language: code, level: pick(LEVELS) });
      }
    }
    const availability = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      const start = 6 + Math.floor(next() * 14);
      return {
        day: Math.floor(next() * 7),
        start: `${String(start).padStart(2, "0")}:00`,
        end: `${String(start + 1 + Math.floor(next() * 3)).padStart(2, "0")}:00`,
      };
    });
    return {
      userId: `@synthetic${i}:bench.example`,
      native: [...new Set(native)],
      learning,
      interests: [...new Set([pick(INTERESTS), pick(INTERESTS), pick(INTERESTS)])],
      timezone: pick(ZONES),
      availability,
      discoverable: next() < 0.9,
    };
  });
}

export async function insertProfiles(pool: pg.Pool, profiles: SyntheticProfile[]): Promise<void> {
  const now = Date.now();
  const next = random(7);
  for (let offset = 0; offset < profiles.length; offset += 5_000) {
    const batch = profiles.slice(offset, offset + 5_000);
    await pool.query(
      `INSERT INTO profiles (user_id, display_name, native_languages, learning, exchange_keys,
         interests, timezone, availability, bio, discoverable, published_at)
       SELECT u, d, string_to_array(n, ','), l::jsonb, string_to_array(x, ','),
         string_to_array(i, ','), tz, a::jsonb, '', disc, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::bool[]) AS t(u, d, n, l, x, i, tz, a, disc)`,
      [
        batch.map((p) => p.userId),
        batch.map((p) => p.userId.slice(1, p.userId.indexOf(":"))),
        batch.map((p) => p.native.join(",")),
        batch.map((p) => JSON.stringify(p.learning)),
        batch.map((p) => offeredExchanges(p).join(",")),
        batch.map((p) => p.interests.join(",")),
        batch.map((p) => p.timezone),
        batch.map((p) => JSON.stringify(p.availability)),
        batch.map((p) => p.discoverable),
      ],
    );
    // Four in five were active in the last month (recorded as the appservice records it);
    // one in twenty is online now.
    const active = batch.filter(() => next() < 0.8);
    await pool.query(
      `WITH activity AS (
         INSERT INTO user_activity (user_id, last_active_at, last_event_id)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])
         RETURNING user_id, last_active_at
       )
       UPDATE profiles p SET last_active_at = activity.last_active_at
       FROM activity WHERE p.user_id = activity.user_id`,
      [
        active.map((p) => p.userId),
        active.map(() => new Date(now - next() * 30 * 86_400_000)),
        active.map((_, i) => `$synthetic${offset + i}`),
      ],
    );
    const online = batch.filter(() => next() < 0.05);
    await pool.query(
      `INSERT INTO user_presence (user_id, presence, updated_at)
       SELECT u, 'online', now() FROM unnest($1::text[]) AS u`,
      [online.map((p) => p.userId)],
    );
  }
  // Pending requests spread over the population, so the attention factor has work to do.
  const requests = Array.from({ length: 20_000 }, () => {
    const a = profiles[Math.floor(next() * profiles.length)]?.userId ?? "";
    const b = profiles[Math.floor(next() * profiles.length)]?.userId ?? "";
    return [a, b] as const;
  }).filter(([a, b]) => a !== b);
  await pool.query(
    `INSERT INTO partner_requests (id, requester, recipient)
     SELECT gen_random_uuid(), r, c FROM unnest($1::text[], $2::text[]) AS t(r, c)
     ON CONFLICT DO NOTHING`,
    [requests.map(([a]) => a), requests.map(([, b]) => b)],
  );
  // What autovacuum would have done by the time anyone asks for suggestions.
  await pool.query("VACUUM ANALYZE profiles, user_activity, user_presence, partner_requests");
}

async function suggestionFigures(databaseUrl: string, report: Parameters<Benchmark>[0]) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    const profiles = syntheticProfiles(PROFILES);
    const started = performance.now();
    await insertProfiles(pool, profiles);
    process.stderr.write(
      `bench | inserted ${PROFILES} profiles in ${round((performance.now() - started) / 1000)} s\n`,
    );
    const { ctx } = createPgPartnerContext(pool);
    const next = random(99);
    const askers = Array.from(
      { length: QUERIES + WARM_UP },
      () => profiles[Math.floor(next() * profiles.length)]?.userId ?? "",
    );
    const latencies: number[] = [];
    let returned = 0;
    for (const [i, userId] of askers.entries()) {
      const before = performance.now();
      const suggestions = await findPartners(ctx, userId, { limit: 20 });
      if (i >= WARM_UP) {
        latencies.push(performance.now() - before);
        returned += suggestions.length;
      }
    }
    latencies.sort((a, b) => a - b);
    report({
      name: "suggestions_100k_profiles_p50",
      value: round(percentile(latencies, 50)),
      unit: "ms",
    });
    report({
      name: "suggestions_100k_profiles_p99",
      value: round(percentile(latencies, 99)),
      unit: "ms",
    });
    report({
      name: "suggestions_100k_profiles_mean_returned",
      value: round(returned / QUERIES),
      unit: "suggestions",
    });
  } finally {
    await pool.end();
  }
}

async function transactionFigures(
  bridgeUrl: string,
  hsToken: string,
  report: Parameters<Benchmark>[0],
) {
  const rooms = Array.from({ length: 50 }, (_, i) => `!benchroom${i}:localhost`);
  const senders = Array.from({ length: 200 }, (_, i) => `@benchsender${i}:localhost`);
  const durations: number[] = [];
  const put = async (txnId: string, body: string) => {
    const response = await fetch(`${bridgeUrl}/_matrix/app/v1/transactions/${txnId}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${hsToken}`, "content-type": "application/json" },
      body,
    });
    if (response.status !== 200) throw new Error(`transaction refused: ${response.status}`);
  };
  for (let t = 0; t < TRANSACTIONS + 1; t++) {
    const events = Array.from({ length: EVENTS_PER_TRANSACTION }, (_, i) => ({
      type: "m.room.message",
      room_id: rooms[i % rooms.length],
      sender: senders[(i * 7 + t) % senders.length],
      event_id: `$bench-${randomUUID()}`,
      origin_server_ts: Date.now(),
      content: { msgtype: "m.text", body: `message ${i} of transaction ${t}` },
    }));
    const body = JSON.stringify({ events });
    const before = performance.now();
    await put(`bench-${randomUUID()}`, body);
    // The first transaction warms up connections and code paths.
    if (t > 0) durations.push(performance.now() - before);
  }
  const seconds = durations.reduce((a, b) => a + b, 0) / 1000;
  durations.sort((a, b) => a - b);
  report({
    name: "appservice_events_per_second_1000_event_txn",
    value: round((TRANSACTIONS * EVENTS_PER_TRANSACTION) / seconds),
    unit: "events/s",
  });
  report({
    name: "appservice_txn_1000_events_p50",
    value: round(percentile(durations, 50)),
    unit: "ms",
  });
}

export const partnersBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  try {
    await transactionFigures(stack.info.bridgeUrl, stack.info.hsToken, report);
    await suggestionFigures(stack.info.databaseUrl, report);
  } finally {
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
};
