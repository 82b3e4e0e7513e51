import { readdirSync, readFileSync } from "node:fs";
import { type CorpusMessage, corpusMessages } from "../../../test-corpus/hostileText.js";

export {
  type CorpusMessage,
  fastestMs,
  hostileText,
  MATRIX_EVENT_MAX_LENGTH,
} from "../../../test-corpus/hostileText.js";

const CORPUS_DIR = new URL("../../../test-corpus/hostile/", import.meta.url);

export function hostileCorpus(): CorpusMessage[] {
  return corpusMessages(
    readdirSync(CORPUS_DIR).map((name) => [name, readFileSync(new URL(name, CORPUS_DIR), "utf8")]),
  );
}
