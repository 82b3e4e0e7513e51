import type { MatrixClient } from "matrix-js-sdk";
import { useSyncExternalStore } from "react";
import { type UploadQueue, type UploadSnapshot, uploadQueueFor } from "./UploadQueue";

/** A room's upload queue and what it shows now. */
export function useUploads(
  client: MatrixClient,
  roomId: string,
): { queue: UploadQueue; snapshot: UploadSnapshot } {
  const queue = uploadQueueFor(client, roomId);
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  return { queue, snapshot };
}
