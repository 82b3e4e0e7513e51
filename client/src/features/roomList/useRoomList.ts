import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
import type { ListPreview } from "../../matrix/slidingPreview";
import { type CachedRoomList, loadCachedRoomList } from "./cachedRoomList";
import type { NewGroup } from "./newGroup";
import { type PreviewRoomList, previewRoomList } from "./previewRoomList";
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

function cachedSnapshot(cached: CachedRoomList | PreviewRoomList): RoomListSnapshot {
  return {
    ...emptyRoomListSnapshot("cached"),
    invites: "invites" in cached ? cached.invites : [],
    direct: cached.direct,
    groups: cached.groups,
    total: cached.total,
  };
}

const listed = (list: RoomListSnapshot) =>
  list.invites.length + list.direct.length + list.groups.length;

/**
 * The signed-in person's invites and rooms, kept up to date. `client` is null while connecting;
 * until it has synced (from this browser's sync cache or the homeserver), the list this browser
 * kept for `cachedFor` shows, if there is one, else the first rooms of the sliding sync
 * `preview`, if it has come.
 */
export function useRoomList(
  client: MatrixClient | null,
  cachedFor: string | null = null,
  preview: ListPreview | null = null,
): UseRoomList {
  const model = useMemo(() => (client ? new RoomListViewModel(client) : null), [client]);
  const cached = useMemo(
    () => (cachedFor ? cachedSnapshot(loadCachedRoomList(cachedFor) ?? EMPTY_CACHE) : null),
    [cachedFor],
  );
  const previewed = useMemo(
    () => (preview ? cachedSnapshot(previewRoomList(preview)) : null),
    [preview],
  );
  const live = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? connecting,
  );
  // The cache first (it paints before anything has answered), else the preview; either until
  // the client's own list holds everything its first sync brought.
  const shown =
    cached && cached.total > 0 ? cached : previewed && listed(previewed) > 0 ? previewed : null;
  const snapshot = shown && !live.synced ? shown : live;
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
