// Entry of the widget page (/widget/exchange, built from widget.html): the exchange panel inside
// Element or another Matrix client. Its own bundle: nothing of the web client's shell, session or
// Matrix SDK is loaded here.
import "../ui/theme.css";
import "./widget.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WidgetPage } from "./WidgetPage";
import { WidgetPanel } from "./WidgetPanel";
import { acceptMessagesOnlyFrom, openWidgetSession } from "./widgetSession";
import { followHostTheme, followThemeChanges } from "./widgetTheme";
import { parseWidgetParams } from "./widgetUrl";

const container = document.getElementById("root");
if (!container) throw new Error("widget.html is missing the #root element");

const parsed = parseWidgetParams(window.location.search);
const framed = window.parent !== window;
followHostTheme(document.documentElement, parsed.ok ? parsed.params.theme : undefined);

// Started before React renders: the host asks for the capabilities as soon as the frame has
// loaded, and must find the widget already listening.
let session: ReturnType<typeof openWidgetSession> | undefined;
if (parsed.ok && framed) {
  acceptMessagesOnlyFrom(window, parsed.params.parentOrigin);
  const started = openWidgetSession(parsed.params);
  followThemeChanges(started.api, document.documentElement);
  session = started;
}

createRoot(container).render(
  <StrictMode>
    <WidgetPage
      parsed={parsed}
      framed={framed}
      session={session}
      renderPanel={(port) => <WidgetPanel port={port} />}
    />
  </StrictMode>,
);
