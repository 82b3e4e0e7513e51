import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useMemo, useState } from "react";
import { bridgeWidgetApi } from "../../api/widget";
import {
  type ExchangeViewModel,
  type FetchExchangePeople,
  MatrixExchangePort,
  useExchangeViewModel,
} from "../exchange";

/** The bridge's answer about a room's partners, asked with the viewer's OpenID token. */
export const bridgeExchangePeople: FetchExchangePeople = (roomId, token) =>
  bridgeWidgetApi().exchangePeople(roomId, token);

const OPEN_KEY = "xstream:exchangePanel";

function storedOpen(): boolean {
  try {
    return globalThis.localStorage?.getItem(OPEN_KEY) === "open";
  } catch {
    return false;
  }
}

export type RoomExchange = {
  /** The panel's view model in a joined partner room; null elsewhere. */
  model: ExchangeViewModel | null;
  /** The panel is shown beside the conversation (remembered across rooms and visits). */
  open: boolean;
  toggle: () => void;
};

/** The exchange panel of a room page: its view model over the room, and whether it is shown. */
export function useRoomExchange(
  client: MatrixClient | null,
  roomId: string,
  partnerRoom: boolean,
  fetchPeople: FetchExchangePeople,
): RoomExchange {
  const port = useMemo(
    () => (client && partnerRoom ? new MatrixExchangePort(client, roomId) : null),
    [client, roomId, partnerRoom],
  );
  const model = useExchangeViewModel(port, fetchPeople);
  const [open, setOpen] = useState(storedOpen);
  const toggle = useCallback(() => {
    setOpen((was) => {
      try {
        globalThis.localStorage?.setItem(OPEN_KEY, was ? "closed" : "open");
      } catch {
        // Private mode without storage: the choice lasts for this page only.
      }
      return !was;
    });
  }, []);
  return { model, open: open && model !== null, toggle };
}
