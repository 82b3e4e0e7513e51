// The widget follows its host's theme (Element passes it in the URL and, on every change, as a
// `theme_change` action), and the system's when the host names none. ui/theme.css reads
// `<html data-theme>`.
import { type WidgetApi, WidgetApiToWidgetAction } from "matrix-widget-api";
import { themeFromName } from "./widgetUrl";

export function followHostTheme(root: HTMLElement, theme: "light" | "dark" | undefined): void {
  const systemDark =
    typeof window.matchMedia === "function" &&
    window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = theme ?? (systemDark ? "dark" : "light");
}

/** Applies each theme the host switches to; returns the function that stops listening. */
export function followThemeChanges(api: WidgetApi, root: HTMLElement): () => void {
  const action = `action:${WidgetApiToWidgetAction.ThemeChange}`;
  const onChange = (event: CustomEvent<{ data?: { name?: unknown } }>) => {
    // Handled here, so the library does not answer "unsupported action".
    event.preventDefault();
    api.transport.reply(event.detail as never, {});
    followHostTheme(root, themeFromName(event.detail?.data?.name));
  };
  api.on(action, onChange);
  return () => api.off(action, onChange);
}
