// The partner directory: suggestions for one learner among 100,000 local profiles plus 100,000
// partner-directory entries, beside local-only matching on the same database in the same run
// (queries alternate, so both see the same load); and, between two paired real stacks, the time
// from a learner's opt-in on A to their entry showing in a learner's suggestions on B.
import pg from "pg";
import { type DirectoryContext, remoteLearners } from "../bridge-service/src/domain/directory.ts";
import { offeredExchanges } from "../bridge-service/src/domain/matching.ts";
import type { PartnerContext } from "../bridge-service/src/domain/partnerContext.ts";
import { findPartners } from "../bridge-service/src/domain/partners.ts";
import { createLogger } from "../bridge-service/src/logger.ts";
import { createPgDirectoryStore } from "../bridge-service/src/store/pg/directoryStore.ts";
import { runMigrations } from "../bridge-service/src/store/pg/migrations.ts";
import { createPgPartnerContext } from "../bridge-service/src/testing/partnerHarness.ts";
import { removeStateDir, startTestOrganisations, startTestStack } from "../e2e/harness.ts";
import { type Learner, signUpLearner } from "../e2e/learners.ts";
import { insertProfiles, syntheticProfiles } from "./partners.ts";
import type { Benchmark } from "./run.ts";
import { percentile, round } from "./stats.ts";

const LOCAL = 100_000;
const REMOTE = 100_000;
const QUERIES = 300;
const WARM_UP = 30;
const OPT_INS = 20;
const PARTNER = "partner.example";

async function insertEntries(pool: pg.Pool) {
  // The same distribution as the local profiles, other people: the second 100,000 of the set.
  const entries = syntheticProfiles(LOCAL + REMOTE)
    .slice(LOCAL)
    .filter((profile) => profile.discoverable)
    .map((profile, i) => ({ ...profile, userId: `@remote${i}:${PARTNER}` }));
  await pool.query(
    "INSERT INTO directory_rooms (server_name, room_id, organisation_name) VALUES ($1, $2, $3)",
    [PARTNER, `!directory:${PARTNER}`, "Partner School"],
  );
  const now = Date.now();
  for (let offset = 0; offset < entries.length; offset += 5_000) {
    const batch = entries.slice(offset, offset + 5_000);
    await pool.query(
      `INSERT INTO directory_entries (user_id, server_name, display_name, native_languages,
         learning, exchange_keys, interests, timezone, availability, updated_at)
       SELECT u, $9, u, string_to_array(n, ','), l::jsonb, string_to_array(x, ','),
         string_to_array(i, ','), tz, a::jsonb, t
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::timestamptz[]) AS t0(u, n, l, x, i, tz, a, t)`,
      [
        batch.map((p) => p.userId),
        batch.map((p) => p.native.join(",")),
        batch.map((p) => JSON.stringify(p.learning)),
        batch.map((p) => offeredExchanges(p).join(",")),
        batch.map((p) => p.interests.join(",")),
        batch.map((p) => p.timezone),
        batch.map((p) => JSON.stringify(p.availability)),
        batch.map((_, i) => new Date(now - ((offset + i) % 30) * 86_400_000)),
        PARTNER,
      ],
    );
  }
  await pool.query("VACUUM ANALYZE directory_entries");
  return entries.length;
}

export async function suggestionFigures(databaseUrl: string, report: Parameters<Benchmark>[0]) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    await runMigrations(pool, createLogger("silent"));
    const profiles = syntheticProfiles(LOCAL);
    const started = performance.now();
    await insertProfiles(pool, profiles);
    const remote = await insertEntries(pool);
    process.stderr.write(
      `bench | inserted ${LOCAL} profiles and ${remote} directory entries in ${round((performance.now() - started) / 1000)} s\n`,
    );
    const { ctx: localOnly } = createPgPartnerContext(pool);
    const directory = {
      store: createPgDirectoryStore(pool),
      partners: [PARTNER],
    } as unknown as DirectoryContext;
    const withPartners: PartnerContext = {
      ...localOnly,
      remoteLearners: remoteLearners(directory),
    };
    const askers = profiles.filter((_, i) => i % 37 === 0).slice(0, QUERIES + WARM_UP);
    const latencies = { local: [] as number[], both: [] as number[] };
    let fromPartner = 0;
    let remoteCandidates = 0;
    for (const [i, asker] of askers.entries()) {
      for (const [kind, ctx] of [
        ["local", localOnly],
        ["both", withPartners],
      ] as const) {
        const before = performance.now();
        const found = await findPartners(ctx, asker.userId, { limit: 20 });
        if (i < WARM_UP) continue;
        latencies[kind].push(performance.now() - before);
        if (kind === "both") fromPartner += found.filter((s) => s.organisation).length;
      }
      if (i >= WARM_UP) {
        const me = await localOnly.profiles.get(asker.userId);
        if (me) {
          remoteCandidates += (await remoteLearners(directory).findCandidates(me, new Set(), 200))
            .length;
        }
      }
    }
    for (const [kind, samples] of Object.entries(latencies)) {
      samples.sort((x, y) => x - y);
      const name =
        kind === "local" ? "suggestions_100k_local_only" : "suggestions_100k_local_100k_remote";
      report({ name: `${name}_p50`, value: round(percentile(samples, 50)), unit: "ms" });
      report({ name: `${name}_p99`, value: round(percentile(samples, 99)), unit: "ms" });
    }
    report({
      name: "suggestions_100k_local_100k_remote_mean_remote_candidates",
      value: round(remoteCandidates / QUERIES),
      unit: "entries",
    });
    report({
      name: "suggestions_100k_local_100k_remote_mean_from_partner",
      value: round(fromPartner / QUERIES),
      unit: "suggestions",
    });
  } finally {
    await pool.end();
  }
}

async function optInFigures(report: Parameters<Benchmark>[0]) {
  const organisations = await startTestOrganisations(["a", "b"] as const, (key, names) => ({
    PARTNER_ORGANISATIONS: names[key === "a" ? "b" : "a"],
    ORGANISATION_NAME: `Organisation ${key.toUpperCase()}`,
    LOG_LEVEL: "warn",
  }));
  try {
    const a = organisations.stacks.a.info;
    const b = organisations.stacks.b.info;
    const profileOf = (native: string, learns: string) => ({
      native: [native],
      learning: [{ language: learns, level: "B1" }],
      interests: [],
      timezone: "UTC",
      availability: [],
      bio: "",
      discoverable: true,
    });
    const reader = await signUpLearner(b, "Reader");
    await reader.session.request("PUT", "/api/profile", profileOf("en", "es"));
    // Both directory rooms exist and each bot has joined the other's before timing starts.
    const learners: Learner[] = [];
    for (let i = 0; i < OPT_INS; i++) {
      const learner = await signUpLearner(a, `Optin${i}`);
      await learner.session.request("PUT", "/api/profile", profileOf("es", "en"));
      learners.push(learner);
    }
    const visible = async (userId: string) => {
      const response = await reader.session.request<{ suggestions: { user_id: string }[] }>(
        "GET",
        "/api/partners/suggestions?limit=50",
      );
      return response.body.suggestions?.some((found) => found.user_id === userId) ?? false;
    };
    const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return false;
    };
    // Pairing first: the first learner's opt-in also waits for the rooms to be joined.
    const first = learners[0];
    if (!first) return;
    await first.session.request("PUT", "/api/profile/partner-organisations", { visible: true });
    if (!(await waitUntil(() => visible(first.matrix.userId), 180_000))) {
      throw new Error("the pairing never became live");
    }
    const samples: number[] = [];
    for (const learner of learners.slice(1)) {
      const before = performance.now();
      await learner.session.request("PUT", "/api/profile/partner-organisations", {
        visible: true,
      });
      if (await waitUntil(() => visible(learner.matrix.userId), 60_000)) {
        samples.push(performance.now() - before);
      }
    }
    // …and one more from the first learner opting out and in again, so there are 20.
    await first.session.request("PUT", "/api/profile/partner-organisations", { visible: false });
    await waitUntil(async () => !(await visible(first.matrix.userId)), 60_000);
    const before = performance.now();
    await first.session.request("PUT", "/api/profile/partner-organisations", { visible: true });
    if (await waitUntil(() => visible(first.matrix.userId), 60_000)) {
      samples.push(performance.now() - before);
    }
    samples.sort((x, y) => x - y);
    report({
      name: "directory_opt_in_visible_on_partner_p50",
      value: round(percentile(samples, 50)),
      unit: "ms",
    });
    report({
      name: "directory_opt_in_visible_on_partner_samples",
      value: samples.length,
      unit: "opt-ins",
    });
  } finally {
    await organisations.stop();
  }
}

export const directoryBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  try {
    // A scratch database with no bridge on it: the stack's own bridge, listing no partners,
    // would rightly forget a partner's entries within a round.
    await suggestionFigures(stack.info.storeTestDatabaseUrl, report);
  } finally {
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
  await optInFigures(report);
};
