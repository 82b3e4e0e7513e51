import { useEffect, useMemo, useSyncExternalStore } from "react";
import { type ExchangeSnapshot, ExchangeViewModel } from "./ExchangeViewModel";
import type { ExchangeRoomPort, FetchExchangePeople } from "./exchangePort";

/** One exchange view model per port (per room and host); null while there is no port. */
export function useExchangeViewModel(
  port: ExchangeRoomPort | null,
  fetchPeople: FetchExchangePeople,
  hostName?: string,
): ExchangeViewModel | null {
  return useMemo(
    () =>
      port
        ? new ExchangeViewModel({ port, fetchPeople, ...(hostName !== undefined && { hostName }) })
        : null,
    [port, fetchPeople, hostName],
  );
}

/** The view model's state, kept current (its timer ticks only while something shows it). */
export function useExchange(model: ExchangeViewModel): ExchangeSnapshot {
  return useSyncExternalStore(model.subscribe, model.getSnapshot);
}

/** As {@link useExchange}, and asks the bridge who the partners are (the full panel needs it). */
export function useExchangeWithPeople(model: ExchangeViewModel): ExchangeSnapshot {
  const snapshot = useExchange(model);
  useEffect(() => {
    void model.loadPeople();
  }, [model]);
  return snapshot;
}
