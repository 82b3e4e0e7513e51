import { textToHtml } from "../composer/html";
import { correctionDiff } from "./correctionDiff";

/** `m.relates_to.rel_type` of a correction (architecture contract "Corrections"). */
export const CORRECTION_REL_TYPE = "org.xstream.correction";
/** Content key carrying the original and corrected text. */
export const CORRECTION_KEY = "org.xstream.correction";

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

export type Correction = { eventId: string; original: string; corrected: string };

/**
 * The correction an event's content carries, or null when it is not a (well-formed) correction.
 * Content comes from other clients, so every field is checked.
 */
export function readCorrection(content: unknown): Correction | null {
  if (typeof content !== "object" || content === null) return null;
  const record = content as Record<string, unknown>;
  const relation = record["m.relates_to"] as Record<string, unknown> | undefined;
  const payload = record[CORRECTION_KEY] as Record<string, unknown> | undefined;
  if (relation?.rel_type !== CORRECTION_REL_TYPE || typeof relation.event_id !== "string") {
    return null;
  }
  if (typeof payload?.original !== "string" || typeof payload.corrected !== "string") return null;
  return { eventId: relation.event_id, original: payload.original, corrected: payload.corrected };
}
