// The hostile-input generators both test suites share (bridge-service in Node, client in jsdom),
// so an attacker's message is the same in both. Each workspace loads the corpus files its own
// way (file system vs. Vite) and re-exports these from its own test helper.
import fc from "fast-check";

// The client's types are the browser's; the one Node API used here is declared here so the file
// type-checks in both workspaces.
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

/** Whether a corpus file is one of the messages (and not, say, make.mjs). */
export function isCorpusFile(name: string): boolean {
  return name.endsWith(".html") || name.endsWith(".txt");
}

/** The corpus in a stable order, from its files' names and texts however they were read. */
export function corpusMessages(files: Iterable<[name: string, text: string]>): CorpusMessage[] {
  return [...files]
    .filter(([name]) => isCorpusFile(name))
    .map(
      ([name, text]): CorpusMessage => ({
        name,
        kind: name.endsWith(".html") ? "html" : "text",
        text,
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Messages an attacker would try: a few fragments (known troublemakers or random bytes), each
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
