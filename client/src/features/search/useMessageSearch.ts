import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
import { type MessageSearchSnapshot, MessageSearchViewModel } from "./MessageSearchViewModel";

export type UseMessageSearch = MessageSearchSnapshot & {
  search: (term: string, roomId: string | null) => void;
};

const IDLE: MessageSearchSnapshot = {
  term: "",
  status: "idle",
  results: [],
  searchedEncrypted: false,
  error: null,
};
const noSubscription = () => () => {};
const idle = () => IDLE;
const noop = () => {};

/** Message search over the signed-in client; `client` is null while Matrix connects. */
export function useMessageSearch(client: MatrixClient | null): UseMessageSearch {
  const model = useMemo(() => (client ? new MessageSearchViewModel(client) : null), [client]);
  const snapshot = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? idle,
  );
  return useMemo(
    () => ({
      ...snapshot,
      search: model
        ? (term: string, roomId: string | null) => void model.search(term, roomId)
        : noop,
    }),
    [snapshot, model],
  );
}
