import { type FormEvent, useEffect, useId, useMemo, useRef } from "react";
import {
  CEFR_LEVELS,
  type CefrLevel,
  type Language,
  type ProfileInput,
  type Weekday,
} from "../../api/partnerTypes";
import { Button } from "../../ui/Button";
import { CheckboxField } from "../../ui/CheckboxField";
import { ChipList } from "../../ui/Chip";
import { SelectField } from "../../ui/SelectField";
import { TextAreaField } from "../../ui/TextAreaField";
import { TextField } from "../../ui/TextField";
import { LanguagePicker } from "./LanguagePicker";
import { PROFILE_LIMITS, WEEKDAYS } from "./profileDraft";
import { timeZoneGroups, timeZoneLabel } from "./timeZones";
import { type ProfileForm as ProfileFormModel, useProfileForm } from "./useProfileForm";
import "./ProfileForm.css";

export const LEVEL_NAMES: Record<CefrLevel, string> = {
  A1: "Beginner",
  A2: "Elementary",
  B1: "Intermediate",
  B2: "Upper intermediate",
  C1: "Advanced",
  C2: "Proficient",
};

export type ProfileFormProps = {
  initial: ProfileInput;
  /** The bridge's language catalogue (`GET /api/languages`). */
  languages: readonly Language[];
  /** "Save profile", or "Save and find partners" during onboarding. */
  submitLabel: string;
  /** Saves; rejects with an ApiError (whose `field` places the message) when refused. */
  onSave: (input: ProfileInput) => Promise<void>;
};

/**
 * Everything a learner says about themselves: languages and levels, interests, time zone,
 * weekly availability, bio, and whether to be suggested. Used by onboarding and the profile page.
 */
export function ProfileForm({ initial, languages, submitLabel, onSave }: ProfileFormProps) {
  const form = useProfileForm({ initial, languages, onSave });
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused submit, take the person to the first field with a message.
  useEffect(() => {
    if (form.failedAttempts === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.failedAttempts]);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void form.submit();
  }

  return (
    <form
      ref={formRef}
      className="profile-form"
      noValidate
      onSubmit={handleSubmit}
      aria-busy={form.pending}
    >
      <LanguagesSection form={form} languages={languages} />
      <InterestsSection form={form} />
      <TimeSection form={form} />
      <AboutSection form={form} />

      <div className="profile-form__footer">
        <div className="notice notice--error live-region" role="alert">
          {form.formError}
        </div>
        <div className="notice notice--success live-region" role="status">
          {form.saved ? "Your profile has been saved." : null}
        </div>
        <div>
          <Button type="submit" disabled={form.pending}>
            {form.pending ? "Saving…" : submitLabel}
          </Button>
        </div>
      </div>
    </form>
  );
}

type SectionProps = { form: ProfileFormModel };

function LanguagesSection({ form, languages }: SectionProps & { languages: readonly Language[] }) {
  const { draft, errors, nameOf } = form;
  const nativeInput = useRef<HTMLInputElement>(null);
  const learningInput = useRef<HTMLInputElement>(null);
  const chosen = useMemo(
    () => new Set([...draft.native, ...draft.learning.map((entry) => entry.language)]),
    [draft.native, draft.learning],
  );

  return (
    <fieldset className="profile-form__section">
      <legend className="profile-form__legend">Your languages</legend>

      <div className="profile-form__group">
        <LanguagePicker
          label="Native languages"
          hint="The languages you speak like a native. Add one or more."
          languages={languages}
          exclude={chosen}
          onPick={form.addNative}
          error={errors.native}
          inputRef={nativeInput}
        />
        <ChipList
          label="Languages you speak"
          items={draft.native.map((code) => ({ key: code, label: nameOf(code) }))}
          onRemove={form.removeNative}
          onEmptied={() => nativeInput.current?.focus()}
        />
      </div>

      <div className="profile-form__group">
        <LanguagePicker
          label="Languages you are learning"
          hint="Add each language you are learning, then choose your level."
          languages={languages}
          exclude={chosen}
          onPick={form.addLearning}
          error={errors.learning}
          inputRef={learningInput}
        />
        {draft.learning.length > 0 && (
          <ul className="learning-list" aria-label="Your learning languages">
            {draft.learning.map((entry, index) => {
              const name = nameOf(entry.language);
              const languageError = errors[`learning[${index}].language`];
              return (
                <li key={entry.language} className="learning-row">
                  <fieldset className="learning-row__fields" aria-label={name}>
                    <span className="learning-row__name">{name}</span>
                    <SelectField
                      label="Level"
                      className="learning-row__level"
                      value={entry.level}
                      onChange={(event) =>
                        form.setLevel(entry.language, event.target.value as CefrLevel | "")
                      }
                      error={errors[`learning[${index}].level`]}
                    >
                      <option value="">Choose…</option>
                      {CEFR_LEVELS.map((level) => (
                        <option key={level} value={level}>
                          {level} · {LEVEL_NAMES[level]}
                        </option>
                      ))}
                    </SelectField>
                    <Button
                      variant="secondary"
                      className="learning-row__remove"
                      aria-label={`Remove ${name}`}
                      onClick={() => {
                        form.removeLearning(entry.language);
                        learningInput.current?.focus();
                      }}
                    >
                      Remove
                    </Button>
                  </fieldset>
                  {languageError && <p className="field__error">{languageError}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </fieldset>
  );
}

function InterestsSection({ form }: SectionProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <fieldset className="profile-form__section">
      <legend className="profile-form__legend">What you like to talk about</legend>
      <div className="profile-form__group">
        <TextField
          ref={input}
          label="Interests"
          hint="Type an interest, then press Enter or type a comma. For example: hiking, films."
          value={form.interestText}
          error={form.errors.interests}
          autoComplete="off"
          onChange={(event) => form.setInterestText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" || event.key === ",") {
              event.preventDefault();
              form.commitInterest();
            }
          }}
        />
        <ChipList
          label="What you like to talk about"
          items={form.draft.interests.map((interest) => ({ key: interest, label: interest }))}
          onRemove={form.removeInterest}
          onEmptied={() => input.current?.focus()}
        />
      </div>
    </fieldset>
  );
}

function TimeSection({ form }: SectionProps) {
  const { draft, errors } = form;
  const groups = useMemo(() => timeZoneGroups(draft.timezone), [draft.timezone]);
  return (
    <fieldset className="profile-form__section">
      <legend className="profile-form__legend">When you can practise</legend>
      <SelectField
        label="Time zone"
        className="profile-form__timezone"
        value={draft.timezone}
        onChange={(event) => form.setTimezone(event.target.value)}
        error={errors.timezone}
      >
        {groups.map(({ region, zones }) => (
          <optgroup key={region} label={region}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {timeZoneLabel(zone)}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <AvailabilityField form={form} />
    </fieldset>
  );
}

function AvailabilityField({ form }: SectionProps) {
  const { draft, errors } = form;
  const addButton = useRef<HTMLButtonElement>(null);
  const id = useId();
  const error = errors.availability;
  return (
    <fieldset
      className={["availability", error && "field--invalid"].filter(Boolean).join(" ")}
      aria-describedby={`${id}-hint`}
    >
      <legend className="field__label">Availability</legend>
      <p id={`${id}-hint`} className="field__hint">
        Times you could usually practise each week, in your time zone. For a window that ends at
        midnight, use 00:00.
      </p>
      {draft.availability.length > 0 && (
        <ol className="availability__list">
          {draft.availability.map((window, index) => {
            const rowError = errors[`availability[${index}]`];
            const rowErrorId = `${id}-window-${window.id}-error`;
            const invalid = rowError
              ? { "aria-invalid": true, "aria-describedby": rowErrorId }
              : {};
            return (
              <li key={window.id} className="availability__row">
                <fieldset className="availability__fields" aria-label={`Time window ${index + 1}`}>
                  <SelectField
                    label="Day"
                    value={window.day}
                    onChange={(event) =>
                      form.changeWindow(window.id, { day: Number(event.target.value) as Weekday })
                    }
                  >
                    {WEEKDAYS.map((day, value) => (
                      <option key={day} value={value}>
                        {day}
                      </option>
                    ))}
                  </SelectField>
                  <TextField
                    label="From"
                    type="time"
                    value={window.start}
                    {...invalid}
                    onChange={(event) =>
                      form.changeWindow(window.id, { start: event.target.value })
                    }
                  />
                  <TextField
                    label="To"
                    type="time"
                    value={window.end}
                    {...invalid}
                    onChange={(event) => form.changeWindow(window.id, { end: event.target.value })}
                  />
                  <Button
                    variant="secondary"
                    className="availability__remove"
                    aria-label={`Remove time window ${index + 1}`}
                    onClick={() => {
                      form.removeWindow(window.id);
                      addButton.current?.focus();
                    }}
                  >
                    Remove
                  </Button>
                </fieldset>
                {rowError && (
                  <p id={rowErrorId} className="field__error">
                    {rowError}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {error && <p className="field__error">{error}</p>}
      <div>
        <Button ref={addButton} variant="secondary" onClick={form.addWindow}>
          Add a time window
        </Button>
      </div>
    </fieldset>
  );
}

function AboutSection({ form }: SectionProps) {
  const { draft, errors } = form;
  return (
    <fieldset className="profile-form__section">
      <legend className="profile-form__legend">About you</legend>
      <TextAreaField
        label="Bio"
        rows={4}
        maxLength={PROFILE_LIMITS.bio}
        hint={`A few words for your partners. ${draft.bio.length} of ${PROFILE_LIMITS.bio} characters.`}
        value={draft.bio}
        error={errors.bio}
        onChange={(event) => form.setBio(event.target.value)}
      />
      <CheckboxField
        label="Show me in partner suggestions"
        hint="Turn this off to stop appearing in other learners' suggestions. Your partners can still reach you."
        checked={draft.discoverable}
        error={errors.discoverable}
        onChange={(event) => form.setDiscoverable(event.target.checked)}
      />
    </fieldset>
  );
}
