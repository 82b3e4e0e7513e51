import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { AppearanceSettings } from "./AppearanceSettings";
import { THEME_STORAGE_KEY, ThemeController } from "./theme";

/** `prefers-color-scheme` the test can flip, as a system switching to dark mode at night. */
class FakeSystemScheme extends EventTarget {
  matches: boolean;
  constructor(dark: boolean) {
    super();
    this.matches = dark;
  }
  set(dark: boolean) {
    this.matches = dark;
    this.dispatchEvent(new Event("change"));
  }
}

function setUp({ stored, systemDark = false }: { stored?: string; systemDark?: boolean } = {}) {
  const storage = new Map<string, string>();
  if (stored) storage.set(THEME_STORAGE_KEY, stored);
  const system = new FakeSystemScheme(systemDark);
  const root = document.createElement("html");
  const theme = new ThemeController({
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    root,
    matchMedia: () => system as unknown as MediaQueryList,
  });
  return { theme, root, storage, system };
}

describe("ThemeController", () => {
  it("follows the system by default, also when it changes", () => {
    const { theme, root, system } = setUp({ systemDark: true });
    theme.start();
    expect(theme.getSnapshot()).toBe("system");
    expect(root.dataset.theme).toBe("dark");

    system.set(false);

    expect(root.dataset.theme).toBe("light");
  });

  it("uses the choice remembered on this device, whatever the system says", () => {
    const { theme, root, system } = setUp({ stored: "light", systemDark: true });
    theme.start();
    expect(root.dataset.theme).toBe("light");

    system.set(true);

    expect(root.dataset.theme).toBe("light");
  });

  it("ignores a remembered value it does not know", () => {
    const { theme } = setUp({ stored: "sepia" });
    expect(theme.getSnapshot()).toBe("system");
  });
});

describe("AppearanceSettings", () => {
  it("switches the theme, remembers it, and goes back to following the system", async () => {
    const user = userEvent.setup();
    const { theme, root, storage } = setUp({ systemDark: false });
    theme.start();
    render(<AppearanceSettings theme={theme} />);
    const group = screen.getByRole("group", { name: "Theme" });
    expect(group).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "System" })).toBeChecked();

    await user.click(screen.getByRole("radio", { name: "Dark" }));

    expect(screen.getByRole("radio", { name: "Dark" })).toBeChecked();
    expect(root.dataset.theme).toBe("dark");
    expect(storage.get(THEME_STORAGE_KEY)).toBe("dark");

    await user.click(screen.getByRole("radio", { name: "System" }));

    expect(root.dataset.theme).toBe("light");
    expect(storage.has(THEME_STORAGE_KEY)).toBe(false);
  });
});
