// Every benchmark `npm run bench` knows, by the name that selects it (`npm run bench -- chat`).
import { authBenchmark } from "./auth.ts";
import { callsBenchmark } from "./calls.ts";
import { chatBenchmark } from "./chat.ts";
import { directoryBenchmark } from "./directory.ts";
import { federationBenchmark } from "./federation.ts";
import { loadBenchmark } from "./load.ts";
import { partnersBenchmark } from "./partners.ts";
import type { Benchmark } from "./run.ts";
import { startupBenchmark } from "./startup.ts";

export const BENCHMARKS: Record<string, Benchmark> = {
  startup: startupBenchmark,
  auth: authBenchmark,
  partners: partnersBenchmark,
  chat: chatBenchmark,
  calls: callsBenchmark,
  federation: federationBenchmark,
  directory: directoryBenchmark,
};

/** Run only when named (`npm run bench -- load`): they take many minutes. */
export const ON_REQUEST: Record<string, Benchmark> = { load: loadBenchmark };
