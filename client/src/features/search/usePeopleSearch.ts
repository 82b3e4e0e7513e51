import type { MatrixClient } from "matrix-js-sdk";
import { useMemo } from "react";
import { useModelSnapshot } from "../../ui/useModelSnapshot";
import { type PeopleSearchSnapshot, PeopleSearchViewModel } from "./PeopleSearchViewModel";

export type UsePeopleSearch = PeopleSearchSnapshot & {
  setQuery: (query: string) => void;
  clear: () => void;
  /** Whether there is a client to search with. */
  available: boolean;
};

const IDLE: PeopleSearchSnapshot = { query: "", results: [], searching: false, error: null };
const noop = () => {};

/** A people search for one field; `client` is null while Matrix connects. */
export function usePeopleSearch(client: MatrixClient | null): UsePeopleSearch {
  const model = useMemo(() => (client ? new PeopleSearchViewModel(client) : null), [client]);
  const snapshot = useModelSnapshot(model, IDLE);
  return useMemo(
    () => ({
      ...snapshot,
      available: model !== null,
      setQuery: model ? (query: string) => model.setQuery(query) : noop,
      clear: model ? () => model.clear() : noop,
    }),
    [snapshot, model],
  );
}
