import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { emptyRoomSnapshot, type RoomSnapshot, RoomViewModel } from "./RoomViewModel";

export type UseRoom = RoomSnapshot & {
  /** Sends a text message; resolves to false if it could not be sent. */
  send: (text: string) => Promise<boolean>;
  /** Tries joining again after status "joinFailed". */
  retryJoin: () => void;
};

const noSubscription = () => () => {};

/**
 * One room of the signed-in Matrix client, kept up to date: name, joined members and text
 * messages. `client` is null while Matrix is connecting.
 */
export function useRoom(client: MatrixClient | null, roomId: string): UseRoom {
  const model = useMemo(
    () => (client ? new RoomViewModel(client, roomId) : null),
    [client, roomId],
  );
  const connecting = useMemo(() => emptyRoomSnapshot(roomId, "connecting"), [roomId]);
  const snapshot = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? (() => connecting),
  );
  const send = useCallback(
    (text: string) => (model ? model.send(text) : Promise.resolve(false)),
    [model],
  );
  const retryJoin = useCallback(() => void model?.join(), [model]);
  return { ...snapshot, send, retryJoin };
}
