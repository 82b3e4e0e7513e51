import { useId, useSyncExternalStore } from "react";
import { pageTheme, THEME_PREFERENCES, type ThemeController, type ThemePreference } from "./theme";

const LABELS: Record<ThemePreference, { label: string; hint: string }> = {
  system: { label: "System", hint: "Light or dark as your device is set" },
  light: { label: "Light", hint: "Dark text on light backgrounds" },
  dark: { label: "Dark", hint: "Light text on dark backgrounds" },
};

/** Light, dark, or as the system says; remembered on this device. */
export function AppearanceSettings({ theme = pageTheme }: { theme?: ThemeController }) {
  const preference = useSyncExternalStore(theme.subscribe, theme.getSnapshot);
  const titleId = useId();
  const name = useId();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Appearance
      </h2>
      <fieldset className="theme-choice">
        <legend className="field__label">Theme</legend>
        {THEME_PREFERENCES.map((option) => (
          // The whole card picks the option; its name is the label alone, the hint describes it.
          <label key={option} className="theme-choice__option">
            <input
              type="radio"
              name={name}
              value={option}
              checked={preference === option}
              onChange={() => theme.choose(option)}
              aria-labelledby={`${name}-${option}`}
              aria-describedby={`${name}-${option}-hint`}
            />
            <span className="theme-choice__text">
              <span id={`${name}-${option}`} className="theme-choice__label">
                {LABELS[option].label}
              </span>
              <span id={`${name}-${option}-hint`} className="field__hint">
                {LABELS[option].hint}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}
