import { CORRECTION_KEY, CORRECTION_REL_TYPE } from "../../matrix/corrections";
import { textToHtml } from "../../matrix/html";
import { correctionDiff } from "./correctionDiff";

export type CorrectionContent = {
  msgtype: "m.text";
  /** Readable fallback for clients that do not know corrections (Element shows this). */
  body: string;
  format: "org.matrix.custom.html";
  /** The fallback with deletions struck through and insertions in bold. */
  formatted_body: string;
  "m.relates_to": { rel_type: typeof CORRECTION_REL_TYPE; event_id: string };
  [CORRECTION_KEY]: { original: string; corrected: string };
  "m.mentions": { user_ids?: string[] };
};

export type CorrectionRequest = {
  /** The corrected message's event id. */
  eventId: string;
  original: string;
  corrected: string;
  /** Who wrote the corrected message, so they are notified (as for a reply). */
  originalSenderId?: string | undefined;
};

/** The fallback body: what a client that does not understand corrections shows. */
export function correctionFallbackBody(corrected: string): string {
  return `Correction: “${corrected}”`;
}

/** The corrected text as HTML: removed words in `<del>`, added words in `<b>` (both are allowed
 * by the Matrix spec's HTML subset, unlike `<ins>`). */
export function correctionHtml(original: string, corrected: string): string {
  const parts = correctionDiff(original, corrected).map(({ kind, text }) => {
    const html = textToHtml(text);
    if (kind === "removed") return `<del>${html}</del>`;
    if (kind === "added") return `<b>${html}</b>`;
    return html;
  });
  return `Correction: “${parts.join("")}”`;
}

/** The content of an `m.room.message` event that corrects another message. */
export function buildCorrectionContent({
  eventId,
  original,
  corrected,
  originalSenderId,
}: CorrectionRequest): CorrectionContent {
  return {
    msgtype: "m.text",
    body: correctionFallbackBody(corrected),
    format: "org.matrix.custom.html",
    formatted_body: correctionHtml(original, corrected),
    "m.relates_to": { rel_type: CORRECTION_REL_TYPE, event_id: eventId },
    [CORRECTION_KEY]: { original, corrected },
    "m.mentions": originalSenderId ? { user_ids: [originalSenderId] } : {},
  };
}
