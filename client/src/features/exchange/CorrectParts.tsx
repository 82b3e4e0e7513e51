import { useId } from "react";
import { Button } from "../../ui/Button";
import { TextAreaField } from "../../ui/TextAreaField";
import { CorrectionView } from "../corrections";
import type { CorrectionsView, CorrectView } from "./ExchangeViewModel";
import { MAX_CORRECTION_LENGTH } from "./ExchangeViewModel";

export type CorrectSectionProps = {
  correct: CorrectView;
  onPick: (eventId: string) => void;
  onDraft: (text: string) => void;
  onSend: () => void;
  onCancel: () => void;
};

/** Correct a message: pick one of the partner's recent messages, edit it, send the correction. */
export function CorrectSection({
  correct,
  onPick,
  onDraft,
  onSend,
  onCancel,
}: CorrectSectionProps) {
  const titleId = useId();
  const reasonId = useId();
  return (
    <section className="exchange__part" aria-labelledby={titleId}>
      <h3 id={titleId} className="exchange__heading">
        Correct a message
      </h3>
      {correct.status === "off" ? (
        <>
          <Button disabled aria-describedby={reasonId}>
            Send correction
          </Button>
          <p id={reasonId} className="exchange__off">
            {correct.reason}
          </p>
        </>
      ) : (
        <>
          {correct.candidates.length === 0 && correct.picked === null ? (
            <p className="exchange__muted">
              Your partner's recent messages show here, to correct one.
            </p>
          ) : (
            <fieldset className="exchange-pick">
              <legend className="exchange-pick__legend">Pick a message</legend>
              {correct.candidates.map((candidate) => (
                <label key={candidate.eventId} className="exchange-pick__option">
                  <input
                    type="radio"
                    name={`${titleId}-message`}
                    value={candidate.eventId}
                    checked={correct.picked?.eventId === candidate.eventId}
                    onChange={() => onPick(candidate.eventId)}
                  />
                  <span className="exchange-pick__text">{candidate.body}</span>
                </label>
              ))}
            </fieldset>
          )}
          {correct.picked && (
            <form
              className="exchange-correct"
              onSubmit={(event) => {
                event.preventDefault();
                onSend();
              }}
            >
              <TextAreaField
                label="Corrected text"
                value={correct.draft}
                rows={3}
                maxLength={MAX_CORRECTION_LENGTH}
                error={correct.error ?? undefined}
                onChange={(event) => onDraft(event.target.value)}
              />
              {correct.draft.trim() !== "" && (
                <div className="exchange-correct__preview">
                  <p className="exchange__muted">Your partner will see:</p>
                  <CorrectionView original={correct.picked.body} corrected={correct.draft} />
                </div>
              )}
              <div className="exchange__actions">
                <Button type="submit" disabled={correct.sending}>
                  {correct.sending ? "Sending…" : "Send correction"}
                </Button>
                <Button variant="secondary" onClick={onCancel} disabled={correct.sending}>
                  Cancel
                </Button>
              </div>
            </form>
          )}
          <p role="status" className="exchange__done">
            {correct.done}
          </p>
        </>
      )}
    </section>
  );
}

/** The corrections made in this room, both ways, as word-level diffs, newest first. */
export function CorrectionsSection({ corrections }: { corrections: CorrectionsView }) {
  const titleId = useId();
  return (
    <section className="exchange__part" aria-labelledby={titleId}>
      <h3 id={titleId} className="exchange__heading">
        Corrections in this room
      </h3>
      {corrections.status === "off" ? (
        <p className="exchange__off">{corrections.reason}</p>
      ) : corrections.items.length === 0 ? (
        <p className="exchange__muted">No corrections yet.</p>
      ) : (
        <>
          <ul className="exchange-corrections" aria-labelledby={titleId}>
            {corrections.items.map((item) => (
              <li key={item.eventId} className="exchange-corrections__item">
                <p className="exchange-corrections__label">{item.label}</p>
                <CorrectionView original={item.original} corrected={item.corrected} />
              </li>
            ))}
          </ul>
          {corrections.hidden > 0 && (
            <p className="exchange__muted">
              {corrections.hidden} earlier {corrections.hidden === 1 ? "correction" : "corrections"}{" "}
              not listed.
            </p>
          )}
        </>
      )}
    </section>
  );
}
