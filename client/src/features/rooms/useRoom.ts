import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { emptyRoomSnapshot, type RoomSnapshot, RoomViewModel } from "./RoomViewModel";

export type UseRoom = RoomSnapshot & {
  /** Tries joining again after status "joinFailed". */
  retryJoin: () => void;
};

const noSubscription = () => () => {};

/**
 * One room of the signed-in Matrix client, kept up to date: name and joined members (the
 * timeline is `useTimeline`'s). `client` is null while Matrix is connecting.
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
  const retryJoin = useCallback(() => void model?.join(), [model]);
  return { ...snapshot, retryJoin };
}
