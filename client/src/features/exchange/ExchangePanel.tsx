import { useId } from "react";
import { CorrectionsSection, CorrectSection } from "./CorrectParts";
import type { ExchangeViewModel } from "./ExchangeViewModel";
import { PeopleSection } from "./PeopleSection";
import { PromptSection, TimerSection } from "./TimerParts";
import { useExchangeWithPeople } from "./useExchange";
import "./ExchangePanel.css";

export type ExchangePanelProps = {
  model: ExchangeViewModel;
  /** The panel's title, as its host names it. */
  title?: string;
  /**
   * Say language switches aloud (a polite live region). Off where the host already does, as the
   * room page's header timer line does.
   */
  announce?: boolean;
};

/**
 * The exchange panel: both partners' languages and levels, the shared practice timer, a prompt
 * for the language being practised, Correct a message, and the room's corrections. It renders
 * the view model and passes on what the person does; the host (the web client's room page or
 * the widget page inside Element) places it.
 */
export function ExchangePanel({ model, title = "Exchange", announce = true }: ExchangePanelProps) {
  const snapshot = useExchangeWithPeople(model);
  const titleId = useId();
  return (
    <section className="exchange" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title exchange__title">
        {title}
      </h2>
      {/* The language switch is said aloud for those who cannot see the timer change. */}
      {announce && (
        <p className="visually-hidden" aria-live="polite" aria-atomic="true">
          {snapshot.announcement}
        </p>
      )}
      <PeopleSection people={snapshot.people} onRetry={() => void model.loadPeople()} />
      <TimerSection
        timer={snapshot.timer}
        controls={snapshot.timerControls}
        onLanguage={(position, code) => model.setTimerLanguage(position, code)}
        onMinutes={(text) => model.setMinutes(text)}
        onStart={() => void model.startTimer()}
        onStop={() => void model.stopTimer()}
      />
      <PromptSection prompt={snapshot.prompt} onAnother={() => model.anotherPrompt()} />
      <CorrectSection
        correct={snapshot.correct}
        onPick={(eventId) => model.pick(eventId)}
        onDraft={(text) => model.setDraft(text)}
        onSend={() => void model.sendCorrection()}
        onCancel={() => model.cancelCorrection()}
      />
      <CorrectionsSection corrections={snapshot.corrections} />
    </section>
  );
}
