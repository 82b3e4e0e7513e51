import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
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
const connecting = () => CONNECTING;
const notConnected = () => Promise.reject(new Error("Not connected to Matrix yet."));

/** The signed-in person's invites and rooms, kept up to date. `client` is null while connecting. */
export function useRoomList(client: MatrixClient | null): UseRoomList {
  const model = useMemo(() => (client ? new RoomListViewModel(client) : null), [client]);
  const snapshot = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? connecting,
  );
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
