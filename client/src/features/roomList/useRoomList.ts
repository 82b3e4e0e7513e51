import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
import { type CachedRoomList, loadCachedRoomList } from "./cachedRoomList";
import type { NewGroup } from "./newGroup";
import {
  emptyRoomListSnapshot,
  type RoomListSnapshot,
  RoomListViewModel,
} from "./RoomListViewModel";

export type RoomListActions = {
  setFilter: (text: string) => void;
  accept: (roomId: string) => void;
  decline: (roomId: string) => void;
  /** Resolves to why leaving failed, or null once left. */
  leave: (roomId: string) => Promise<string | null>;
  /** Resolves to the new room's id; rejects with a message for people. */
  createGroup: (group: NewGroup) => Promise<string>;
};

export type UseRoomList = RoomListSnapshot & RoomListActions;

const noSubscription = () => () => {};
const CONNECTING = emptyRoomListSnapshot("connecting");
const EMPTY_CACHE: CachedRoomList = { direct: [], groups: [], total: 0 };
const connecting = () => CONNECTING;
const notConnected = () => Promise.reject(new Error("Not connected to Matrix yet."));

function cachedSnapshot(cached: CachedRoomList): RoomListSnapshot {
  return {
    ...emptyRoomListSnapshot("cached"),
    direct: cached.direct,
    groups: cached.groups,
    total: cached.total,
  };
}

/**
 * The signed-in person's invites and rooms, kept up to date. `client` is null while connecting;
 * until it has synced (from this browser's sync cache or the homeserver), the list this browser
 * kept for `cachedFor` shows, if there is one.
 */
export function useRoomList(
  client: MatrixClient | null,
  cachedFor: string | null = null,
): UseRoomList {
  const model = useMemo(() => (client ? new RoomListViewModel(client) : null), [client]);
  const cached = useMemo(
    () => (cachedFor ? cachedSnapshot(loadCachedRoomList(cachedFor) ?? EMPTY_CACHE) : null),
    [cachedFor],
  );
  const live = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? connecting,
  );
  const synced = client?.isInitialSyncComplete() ?? false;
  const snapshot = cached && cached.total > 0 && live.total === 0 && !synced ? cached : live;
  const actions = useMemo<RoomListActions>(
    () => ({
      setFilter: (text) => model?.setFilter(text),
      accept: (roomId) => void model?.accept(roomId),
      decline: (roomId) => void model?.decline(roomId),
      leave: (roomId) => (model ? model.leave(roomId) : notConnected()),
      createGroup: (group) => (model ? model.createGroup(group) : notConnected()),
    }),
    [model],
  );
  return { ...snapshot, ...actions };
}
