import type { MatrixStatus } from "../../matrix/MatrixConnection";

/** What the connection banner says, if anything. */
export type ConnectionNotice =
  /** The browser has no network: messages wait in the outbox. */
  | "offline"
  /** The browser is online but the Matrix sync keeps failing; the SDK retries with back-off. */
  | "reconnecting"
  | null;

/** The browser's word comes first: while it is offline, retrying the sync cannot help. */
export function connectionNotice(online: boolean, status: MatrixStatus | null): ConnectionNotice {
  if (!online) return "offline";
  return status === "reconnecting" ? "reconnecting" : null;
}
