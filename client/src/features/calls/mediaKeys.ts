import type { MatrixRTCSession } from "matrix-js-sdk/lib/matrixrtc";
import { listenTo } from "../../matrix/liveSubscribers";
import { RtcEvents } from "../../matrix/rtcSdk";
import type { CallMedia } from "./media";

// End-to-end encrypted call media: the SDK exchanges per-participant keys over encrypted
// to-device messages; LiveKit's E2EE worker needs them to encrypt and decrypt.

/** Keys from the session go to the media's E2EE worker, under the member's LiveKit identity. */
export function forwardMediaKeys(
  session: Pick<MatrixRTCSession, "on" | "off">,
  media: Pick<CallMedia, "setEncryptionKey">,
): () => void {
  const onKey = (key: Uint8Array, index: number, _member: unknown, identity: string) => {
    media.setEncryptionKey(identity, index, key).catch(() => {
      // A key that cannot be imported leaves that member's media undecodable; nothing to do.
    });
  };
  return listenTo(session, [[RtcEvents.EncryptionKeyChanged, onKey]]);
}
