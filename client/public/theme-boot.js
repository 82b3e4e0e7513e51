// Sets the light or dark theme before the first paint, so a dark choice never flashes light.
// A classic script (the CSP allows no inline ones); features/settings/theme.ts takes over once
// the app has loaded and uses the same storage key and values.
(() => {
  let choice = null;
  try {
    choice = localStorage.getItem("xstream.theme");
  } catch {
    // Storage blocked: follow the system.
  }
  const dark =
    choice === "dark" ||
    (choice !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
})();
