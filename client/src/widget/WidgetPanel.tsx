// The exchange panel as the widget shows it: the shared panel (features/exchange) over the
// widget's room port, asking the bridge on this origin who the partners are.
import { bridgeWidgetApi } from "../api/widget";
import {
  ExchangePanel,
  type FetchExchangePeople,
  useExchangeViewModel,
} from "../features/exchange";
import type { WidgetRoomPort } from "./widgetRoomPort";

const fetchPeople: FetchExchangePeople = (roomId, token) =>
  bridgeWidgetApi().exchangePeople(roomId, token);

export function WidgetPanel({
  port,
  people = fetchPeople,
}: {
  port: WidgetRoomPort;
  /** Who the partners are; the bridge on this origin unless a test passes another. */
  people?: FetchExchangePeople;
}) {
  const model = useExchangeViewModel(port, people);
  if (!model) return null;
  return (
    <main className="widget-panel">
      <ExchangePanel model={model} title="Xstream" />
    </main>
  );
}
