import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
import { MembersViewModel } from "./MembersViewModel";
import { EMPTY_ROSTER, type Roster } from "./roster";

export type UseMembers = Roster & {
  invite: (userId: string) => Promise<string | null>;
  remove: (userId: string, reason: string) => Promise<string | null>;
};

const noSubscription = () => () => {};
const empty = () => EMPTY_ROSTER;
const notConnected = async () => "Not connected to Matrix yet.";

/** The members of a room and the invite/remove actions; `client` is null while connecting. */
export function useMembers(client: MatrixClient | null, roomId: string): UseMembers {
  const model = useMemo(
    () => (client ? new MembersViewModel(client, roomId) : null),
    [client, roomId],
  );
  const roster = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? empty,
  );
  return useMemo(
    () => ({
      ...roster,
      invite: model ? (userId) => model.invite(userId) : notConnected,
      remove: model ? (userId, reason) => model.remove(userId, reason) : notConnected,
    }),
    [roster, model],
  );
}
