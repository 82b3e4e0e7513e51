import type { MatrixClient } from "matrix-js-sdk";
import { useMemo, useSyncExternalStore } from "react";
import { type Calls, type CallsSnapshot, callsFor } from "./Calls";
import type { RoomCall, RoomCallSnapshot } from "./RoomCall";

const noSubscription = () => () => {};
const noSnapshot = () => null;

/** The signed-in client's calls and their state; nulls while Matrix is not connected. */
export function useCalls(client: MatrixClient | null): {
  calls: Calls | null;
  snapshot: CallsSnapshot | null;
} {
  const calls = useMemo(() => (client ? callsFor(client) : null), [client]);
  const snapshot = useSyncExternalStore(
    calls?.subscribe ?? noSubscription,
    calls?.getSnapshot ?? noSnapshot,
  );
  return { calls, snapshot };
}

/** One room's call, kept up to date; nulls while the client does not know the room. */
export function useRoomCall(
  calls: Calls | null,
  roomId: string,
): { call: RoomCall | null; snapshot: RoomCallSnapshot | null } {
  const call = useMemo(() => calls?.roomCall(roomId) ?? null, [calls, roomId]);
  const snapshot = useSyncExternalStore(
    call?.subscribe ?? noSubscription,
    call?.getSnapshot ?? noSnapshot,
  );
  return { call, snapshot };
}
