// Tokens and base styles first, so feature styles can build on them.
import "./ui/theme.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { createAppServices } from "./app/services";
import { pageTheme } from "./features/settings/theme";

const container = document.getElementById("root");
if (!container) throw new Error("index.html is missing the #root element");

// Before the first render; also follows the system's theme from here on.
pageTheme.start();

const services = createAppServices();

createRoot(container).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
