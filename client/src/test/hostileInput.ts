import { type CorpusMessage, corpusMessages } from "../../../test-corpus/hostileText.ts";

export {
  type CorpusMessage,
  fastestMs,
  hostileText,
  MATRIX_EVENT_MAX_LENGTH,
} from "../../../test-corpus/hostileText.ts";

// Bundled by Vite as raw text, so the browser-typed client needs no file system access.
const CORPUS_FILES = import.meta.glob<string>("../../../test-corpus/hostile/*.{html,txt}", {
  query: "?raw",
  import: "default",
  eager: true,
});

export function hostileCorpus(): CorpusMessage[] {
  return corpusMessages(
    Object.entries(CORPUS_FILES).map(([path, text]) => [
      path.slice(path.lastIndexOf("/") + 1),
      text,
    ]),
  );
}
