import { PRACTICE_TIMER_LIMITS } from "@xstream/contract/limits";
import { useId } from "react";
import { Button } from "../../ui/Button";
import { SelectField } from "../../ui/SelectField";
import { TextField } from "../../ui/TextField";
import type { ExchangeViewModel, PromptView, TimerControls, TimerView } from "./ExchangeViewModel";
import { useExchange } from "./useExchange";

export type TimerSectionProps = {
  timer: TimerView;
  controls: TimerControls;
  onLanguage: (position: 0 | 1, code: string) => void;
  onMinutes: (text: string) => void;
  onStart: () => void;
  onStop: () => void;
};

/** The shared practice timer: which language now and for how long, and start/stop. */
export function TimerSection({
  timer,
  controls,
  onLanguage,
  onMinutes,
  onStart,
  onStop,
}: TimerSectionProps) {
  const titleId = useId();
  const reasonId = useId();
  const disabled = controls.disabledReason !== null;
  const describedBy = disabled ? reasonId : undefined;
  return (
    <section className="exchange__part" aria-labelledby={titleId}>
      <h3 id={titleId} className="exchange__heading">
        Practice timer
      </h3>
      {timer.status === "running" && (
        <div className="exchange-timer">
          <p className="exchange-timer__now">
            Speaking <strong>{timer.language.name}</strong>
          </p>
          <p className="exchange-timer__left">
            <span className="exchange-timer__clock">{timer.remaining}</span> left
          </p>
          <p className="exchange__muted">
            Turn {timer.turn}: {timer.languages[0].name} and {timer.languages[1].name} in turns of{" "}
            {timer.minutes} {timer.minutes === 1 ? "minute" : "minutes"}.
          </p>
          <Button
            variant="secondary"
            onClick={onStop}
            disabled={disabled || controls.pending}
            aria-describedby={describedBy}
          >
            {controls.pending ? "Stopping…" : "Stop the timer"}
          </Button>
        </div>
      )}
      {timer.status !== "running" && (
        <form
          className="exchange-timer__form"
          aria-label="Start the practice timer"
          onSubmit={(event) => {
            event.preventDefault();
            onStart();
          }}
        >
          <p className="exchange__muted">
            Take turns: speak one language for a few minutes, then the other. Both of you see the
            same timer.
          </p>
          {([0, 1] as const).map((position) => (
            <SelectField
              key={position}
              label={position === 0 ? "First language" : "Then"}
              value={controls.languages[position]}
              disabled={disabled}
              onChange={(event) => onLanguage(position, event.target.value)}
            >
              {controls.choices.map((language) => (
                <option key={language.code} value={language.code}>
                  {language.name}
                </option>
              ))}
            </SelectField>
          ))}
          <TextField
            label="Minutes each"
            type="number"
            inputMode="numeric"
            min={PRACTICE_TIMER_LIMITS.minMinutes}
            max={PRACTICE_TIMER_LIMITS.maxMinutes}
            step={1}
            value={controls.minutes}
            disabled={disabled}
            onChange={(event) => onMinutes(event.target.value)}
          />
          <Button
            type="submit"
            disabled={disabled || controls.pending}
            aria-describedby={describedBy}
          >
            {controls.pending ? "Starting…" : "Start the timer"}
          </Button>
        </form>
      )}
      {controls.disabledReason && (
        <p id={reasonId} className="exchange__off">
          {controls.disabledReason}
        </p>
      )}
      {controls.error && (
        <p role="alert" className="notice notice--error">
          {controls.error}
        </p>
      )}
    </section>
  );
}

/** A conversation prompt for the language being practised, at the learner's level. */
export function PromptSection({
  prompt,
  onAnother,
}: {
  prompt: PromptView | null;
  onAnother: () => void;
}) {
  const titleId = useId();
  return (
    <section className="exchange__part" aria-labelledby={titleId}>
      <h3 id={titleId} className="exchange__heading">
        Something to talk about
      </h3>
      {prompt === null ? (
        <p className="exchange__muted">Prompts appear once a language is chosen.</p>
      ) : (
        <>
          <p className="exchange__muted">
            In {prompt.language.name} at <span className="exchange-level">{prompt.level}</span> (
            {prompt.levelOf})
          </p>
          <blockquote
            className="exchange-prompt"
            lang={prompt.inEnglish ? "en" : prompt.language.code}
          >
            {prompt.text}
          </blockquote>
          <Button variant="secondary" onClick={onAnother}>
            Another prompt
          </Button>
        </>
      )}
    </section>
  );
}

/** The running timer in one line, for a room's header: "Speaking Spanish · 4:12 left". */
export function TimerLine({ timer }: { timer: TimerView }) {
  if (timer.status !== "running") return null;
  return (
    <span className="exchange-timer-line">
      Speaking {timer.language.name} · {timer.remaining} left
    </span>
  );
}

/**
 * The header's timer line, kept current, with the language switches said aloud (a host that
 * shows it beside the panel turns the panel's own announcements off).
 */
export function ExchangeTimerLine({ model }: { model: ExchangeViewModel }) {
  const { timer, announcement } = useExchange(model);
  return (
    <>
      <TimerLine timer={timer} />
      <span className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </span>
    </>
  );
}
