import type { MatrixClient } from "matrix-js-sdk";
import { useEffect } from "react";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { useNotifier } from "../notifications";
import { CallOverlay } from "./CallOverlay";
import { callsFor } from "./Calls";
import { IncomingCallPrompt } from "./IncomingCallPrompt";
import { useCalls } from "./useCalls";

/**
 * Everything about calls that belongs to the app frame rather than a page: incoming calls and
 * the call we are in. Leaving the frame (signing out) leaves the call.
 */
export function CallLayer({ client: given }: { client?: MatrixClient | null }) {
  const matrix = useOptionalMatrixClient();
  const client = given !== undefined ? given : (matrix?.client ?? null);
  useEffect(() => {
    if (!client) return;
    return () => void callsFor(client).leave();
  }, [client]);
  useRingNotification(client);
  return (
    <>
      <IncomingCallPrompt client={client} />
      <CallOverlay client={client} />
    </>
  );
}

/** While a call rings, a notification says so when the learner is in another tab or window. */
function useRingNotification(client: MatrixClient | null) {
  const { notifier } = useNotifier();
  const { snapshot } = useCalls(client);
  const ringing = snapshot?.ringing ?? null;
  useEffect(() => {
    if (!notifier || !ringing) return;
    notifier.ringing({
      roomId: ringing.roomId,
      callerName: ringing.caller.name,
      intent: ringing.intent,
    });
    return () => notifier.stopRinging();
  }, [notifier, ringing]);
}
