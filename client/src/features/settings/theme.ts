/*
 * Light and dark themes. The palette is in ui/theme.css, keyed on `<html data-theme>`; this module
 * decides that attribute from the person's choice (System, Light or Dark, remembered in
 * localStorage) and, for System, from `prefers-color-scheme`. public/theme-boot.js does the same
 * before the first paint, reading the same key: keep the two in step.
 */

export type ThemePreference = "system" | "light" | "dark";
export type Theme = "light" | "dark";

export const THEME_PREFERENCES: readonly ThemePreference[] = ["system", "light", "dark"];
export const THEME_STORAGE_KEY = "xstream.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

export type ThemeEnvironment = {
  /** Where the choice is remembered; null when storage is unavailable (private modes). */
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  /** The element whose `data-theme` the CSS reads. */
  root: HTMLElement;
  /** `window.matchMedia`, absent in some environments (jsdom). */
  matchMedia?: (query: string) => MediaQueryList;
};

function isPreference(value: unknown): value is ThemePreference {
  return THEME_PREFERENCES.includes(value as ThemePreference);
}

/** The theme a preference comes to, given whether the system asks for dark. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === "system") return systemDark ? "dark" : "light";
  return preference;
}

/** The person's theme choice, applied to the page and kept in step with the system's. */
export class ThemeController {
  readonly #env: ThemeEnvironment;
  readonly #listeners = new Set<() => void>();
  #preference: ThemePreference;

  constructor(env: ThemeEnvironment) {
    this.#env = env;
    let stored: string | null = null;
    try {
      stored = env.storage?.getItem(THEME_STORAGE_KEY) ?? null;
    } catch {
      // Storage refused (blocked cookies): follow the system.
    }
    this.#preference = isPreference(stored) ? stored : "system";
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ThemePreference => this.#preference;

  /** Applies the theme now and whenever the system's changes; returns a function that stops. */
  start(): () => void {
    this.#apply();
    const query = this.#env.matchMedia?.(DARK_QUERY);
    if (!query) return () => {};
    const onChange = () => this.#apply();
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }

  /** Remembers the choice on this device and applies it. */
  choose(preference: ThemePreference): void {
    this.#preference = preference;
    try {
      if (preference === "system") this.#env.storage?.removeItem(THEME_STORAGE_KEY);
      else this.#env.storage?.setItem(THEME_STORAGE_KEY, preference);
    } catch {
      // Not remembered, but still applied for this visit.
    }
    this.#apply();
    for (const listener of this.#listeners) listener();
  }

  #apply() {
    const systemDark = this.#env.matchMedia?.(DARK_QUERY).matches ?? false;
    const theme = resolveTheme(this.#preference, systemDark);
    this.#env.root.dataset.theme = theme;
  }
}

function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** This page's theme. */
export const pageTheme = new ThemeController({
  storage: browserStorage(),
  root: document.documentElement,
  matchMedia:
    typeof window.matchMedia === "function" ? (query) => window.matchMedia(query) : undefined,
});
