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
import { followHostTheme } from "./widgetTheme";
import { parseWidgetParams, themeFromName } from "./widgetUrl";

const container = document.getElementById("root");
if (!container) throw new Error("widget.html is missing the #root element");

const parsed = parseWidgetParams(window.location.search);
const framed = window.parent !== window;
followHostTheme(document.documentElement, parsed.ok ? parsed.params.theme : undefined);

// Created once for the page (StrictMode runs effects twice; the host must see one widget).
let session: ReturnType<typeof openWidgetSession> | undefined;
const connect = () => {
  if (!parsed.ok) throw new Error("connect() needs a valid widget URL");
  if (!session) {
    acceptMessagesOnlyFrom(window, parsed.params.parentOrigin);
    session = openWidgetSession(parsed.params);
    session.api.on("action:theme_change", (event: CustomEvent) => {
      event.preventDefault();
      session?.api.transport.reply(event.detail, {});
      followHostTheme(document.documentElement, themeFromName(event.detail?.data?.name));
    });
  }
  return session;
};

createRoot(container).render(
  <StrictMode>
    <WidgetPage
      parsed={parsed}
      framed={framed}
      connect={connect}
      renderPanel={(port) => <WidgetPanel port={port} />}
    />
  </StrictMode>,
);
