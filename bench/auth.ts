// Login latency and throughput at concurrency 16, and how long a sign-up takes until the new
// learner has a working Matrix session (JWT login done, first /sync answered). Runs against its
// own throw-away stack with rate limits lifted, through the one origin like a browser.
import { randomUUID } from "node:crypto";
import { removeStateDir, startTestStack } from "../e2e/harness.ts";
import { matrixRequest } from "../e2e/matrix.ts";
import { jwtLogin, strongPassword, WebSession } from "../e2e/web-session.ts";
import type { Benchmark } from "./run.ts";
import { percentile, round } from "./stats.ts";

const CONCURRENCY = 16;
const LOGINS = 640;
const SIGNUPS = 20;

export const authBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  const origin = stack.info.publicUrl;
  try {
    // Sign-up until the learner's Matrix client has synced once.
    const signupMs: number[] = [];
    for (let i = 0; i < SIGNUPS; i++) {
      const session = new WebSession(origin);
      const started = performance.now();
      const signup = await session.signup(`bench${randomUUID().slice(0, 8)}`, strongPassword());
      if (signup.status !== 201) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
      const minted = await session.matrixToken();
      const login = await jwtLogin(origin, minted.body.token, minted.body.device_id);
      await matrixRequest(origin, "GET", "/_matrix/client/v3/sync?timeout=0", {
        token: login.body.access_token,
      });
      signupMs.push(performance.now() - started);
    }
    signupMs.sort((a, b) => a - b);
    report({
      name: "signup_to_matrix_ready_p50",
      value: round(percentile(signupMs, 50)),
      unit: "ms",
    });

    // Logins: 16 learners signing in over and over, 16 requests in flight at a time.
    const accounts = await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const username = `login${randomUUID().slice(0, 8)}`;
        const password = strongPassword();
        await new WebSession(origin).signup(username, password);
        return { username, password };
      }),
    );
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      accounts.map(async (account) => {
        while (next < LOGINS) {
          next++;
          const before = performance.now();
          const response = await new WebSession(origin).login(account.username, account.password);
          if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
          latencies.push(performance.now() - before);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    report({ name: "login_latency_p50_c16", value: round(percentile(latencies, 50)), unit: "ms" });
    report({ name: "login_latency_p99_c16", value: round(percentile(latencies, 99)), unit: "ms" });
    report({
      name: "logins_per_second_c16",
      value: round(latencies.length / seconds),
      unit: "1/s",
    });
  } finally {
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
};
