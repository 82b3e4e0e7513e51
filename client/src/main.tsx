// Tokens and base styles first, so feature styles can build on them.
import "./ui/theme.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, preloadRestoredScreen } from "./app/App";
import { createAppServices } from "./app/services";
import { pageTheme } from "./features/settings/theme";

const container = document.getElementById("root");
if (!container) throw new Error("index.html is missing the #root element");

// Before the first render; also follows the system's theme from here on.
pageTheme.start();

const services = createAppServices();

// On a reload, the session check leaves before the first render. For someone this browser
// remembers, the page that can show from its cache (the Chats page) renders first once its chunk
// is there (from the browser's cache, at once): rendered before, it would wait behind React's
// loading fallback, which React keeps up for a few hundred ms.
void services.session.restore();

const root = createRoot(container);
function render() {
  root.render(
    <StrictMode>
      <App services={services} />
    </StrictMode>,
  );
}

if (services.restoringAs()) void preloadRestoredScreen(window.location.pathname).then(render);
else render();
