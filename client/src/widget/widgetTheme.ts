// The widget follows its host's theme (Element passes it in the URL and on every change), and the
// system's when the host names none. ui/theme.css reads `<html data-theme>`.
export function followHostTheme(root: HTMLElement, theme: "light" | "dark" | undefined): void {
  const systemDark =
    typeof window.matchMedia === "function" &&
    window.matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = theme ?? (systemDark ? "dark" : "light");
}
