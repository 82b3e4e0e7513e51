import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeHost, fakeWidgetHost, ROOM_ID, VIEWER } from "./fakeWidgetHost";
import { openWidgetSession } from "./widgetSession";
import { followThemeChanges } from "./widgetTheme";

let host: FakeHost | undefined;
beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(async () => {
  await host?.stop();
  vi.restoreAllMocks();
});

describe("followThemeChanges", () => {
  it("switches the page's theme when the host's changes, and acknowledges each change", async () => {
    host = fakeWidgetHost();
    const root = document.createElement("html");
    root.dataset.theme = "light";
    followThemeChanges(host.widget, root);
    const session = openWidgetSession(
      {
        widgetId: "xstream_exchange",
        parentOrigin: window.location.origin,
        roomId: ROOM_ID,
        userId: VIEWER,
      },
      { api: host.widget },
    );
    host.load();
    await session.ready;

    // Element sends its theme's name; the promise resolves only once the widget answered.
    await expect(host.host.updateTheme({ name: "dark-custom-Nord" })).resolves.toEqual({});
    expect(root.dataset.theme).toBe("dark");
    await host.host.updateTheme({ name: "light-high-contrast" });
    expect(root.dataset.theme).toBe("light");
  });
});
