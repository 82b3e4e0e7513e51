/** `m.relates_to.rel_type` of a correction (architecture contract "Corrections"). */
export const CORRECTION_REL_TYPE = "org.xstream.correction";
/** Content key carrying the original and corrected text. */
export const CORRECTION_KEY = "org.xstream.correction";

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
