import fc from "fast-check";

// Tests run in Node (jsdom); the client's types are the browser's, so the one Node API used here
// is declared here.
declare const process: {
  cpuUsage(previous?: { user: number; system: number }): { user: number; system: number };
};

/** Matrix events are at most 64 KiB, so no single message text is longer. */
export const MATRIX_EVENT_MAX_LENGTH = 65_536;

/** One message of the shared corpus in test-corpus/hostile (see make.mjs there). */
export interface CorpusMessage {
  name: string;
  /** `.html` files are a `formatted_body`, `.txt` files a plain `body`. */
  kind: "html" | "text";
  text: string;
}

// Bundled by Vite as raw text, so the browser-typed client needs no file system access.
const CORPUS_FILES = import.meta.glob<string>("../../../test-corpus/hostile/*.{html,txt}", {
  query: "?raw",
  import: "default",
  eager: true,
});

export function hostileCorpus(): CorpusMessage[] {
  return Object.entries(CORPUS_FILES)
    .map(([path, text]) => {
      const name = path.slice(path.lastIndexOf("/") + 1);
      return { name, kind: name.endsWith(".html") ? "html" : "text", text } as const;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Messages a partner could send: a few fragments (known troublemakers or random text), each
 * repeated up to thousands of times, up to the event size limit.
 */
export function hostileText(fragments: readonly string[]): fc.Arbitrary<string> {
  const fragment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...fragments) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 12 }) },
  );
  const piece = fc.tuple(fragment, fc.integer({ min: 1, max: 12_000 }));
  return fc.array(piece, { minLength: 1, maxLength: 5 }).map((pieces) =>
    pieces
      .map(([text, times]) => text.repeat(times))
      .join("")
      .slice(0, MATRIX_EVENT_MAX_LENGTH),
  );
}

/**
 * The least CPU time of a few runs of `work`, in milliseconds: what the code itself costs. CPU
 * time, not the clock, so a machine busy with other work does not fail the bound; a quadratic
 * algorithm burns the CPU every time.
 */
export function fastestMs(work: () => void, runs = 3): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1_000);
  }
  return fastest;
}
