// Runs before each e2e test file: hands the harness's scratch database to tests that read it from
// the environment (bridge-service's PostgreSQL store tests).
import { inject } from "vitest";

process.env.BRIDGE_TEST_DATABASE_URL = inject("stack").storeTestDatabaseUrl;
