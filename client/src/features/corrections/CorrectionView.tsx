import { useMemo } from "react";
import { correctionDiff } from "./correctionDiff";
import "./CorrectionView.css";

export type CorrectionViewProps = {
  original: string;
  corrected: string;
};

const WHITESPACE = /^\s+$/;

/**
 * A correction as a word-level diff: removed words struck through, added words highlighted, each
 * announced as "removed" or "added" to screen readers (colour and strike-through alone are not
 * enough). Plain text only: React escapes it.
 */
export function CorrectionView({ original, corrected }: CorrectionViewProps) {
  const segments = useMemo(() => correctionDiff(original, corrected), [original, corrected]);
  return (
    <p className="correction-diff">
      {segments.map((segment, index) => {
        const key = `${index}-${segment.kind}`;
        // Spacing changes are noise to a learner: drop removed spaces, keep added ones plain.
        if (segment.kind !== "same" && WHITESPACE.test(segment.text)) {
          return segment.kind === "added" ? <span key={key}>{segment.text}</span> : null;
        }
        if (segment.kind === "removed") {
          return (
            <del key={key} className="correction-diff__removed">
              <span className="visually-hidden">removed: </span>
              {segment.text}
            </del>
          );
        }
        if (segment.kind === "added") {
          return (
            <ins key={key} className="correction-diff__added">
              <span className="visually-hidden">added: </span>
              {segment.text}
            </ins>
          );
        }
        return <span key={key}>{segment.text}</span>;
      })}
    </p>
  );
}
