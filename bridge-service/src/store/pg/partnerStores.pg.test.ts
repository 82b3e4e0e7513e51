import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { describePartnerStores } from "../../testing/partnerStoresContract.js";
import { openMigratedTestPool } from "../../testing/pgHarness.js";
import { createPgPartnerStore } from "./partnerStore.js";
import { createPgProfileStore } from "./profileStore.js";

let pool: pg.Pool;

beforeAll(async () => {
  pool = await openMigratedTestPool({ max: 10 });
});

afterAll(async () => {
  await pool?.end();
});

describePartnerStores("PostgreSQL", async () => {
  await pool.query(
    "TRUNCATE profiles, partner_requests, partnerships, blocks, reports, user_presence, user_activity",
  );
  return { partners: createPgPartnerStore(pool), profiles: createPgProfileStore(pool) };
});
