// The exchange panel as the widget shows it. Until the shared panel (features/exchange) lands,
// it says what the host granted.
import { useSyncExternalStore } from "react";
import type { WidgetRoomPort } from "./widgetRoomPort";

export function WidgetPanel({ port }: { port: WidgetRoomPort }) {
  const granted = useSyncExternalStore(
    (onChange) => port.subscribe(onChange),
    () => [...port.grantedSet()].sort().join(", "),
  );
  return (
    <main className="widget-problem">
      <h1>Xstream</h1>
      <p>Connected to this room. Allowed: {granted || "nothing"}.</p>
    </main>
  );
}
