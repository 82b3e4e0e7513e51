import type { MatrixClient } from "matrix-js-sdk";
import { useEffect } from "react";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { CallOverlay } from "./CallOverlay";
import { callsFor } from "./Calls";
import { IncomingCallPrompt } from "./IncomingCallPrompt";

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
  return (
    <>
      <IncomingCallPrompt client={client} />
      <CallOverlay client={client} />
    </>
  );
}
