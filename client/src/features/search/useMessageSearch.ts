import type { MatrixClient } from "matrix-js-sdk";
import { useMemo } from "react";
import { useModelSnapshot } from "../../ui/useModelSnapshot";
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
const noop = () => {};

/** Message search over the signed-in client; `client` is null while Matrix connects. */
export function useMessageSearch(client: MatrixClient | null): UseMessageSearch {
  const model = useMemo(() => (client ? new MessageSearchViewModel(client) : null), [client]);
  const snapshot = useModelSnapshot(model, IDLE);
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
