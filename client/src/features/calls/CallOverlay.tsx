import type { MatrixClient } from "matrix-js-sdk";
import { type ReactNode, useId, useMemo } from "react";
import { roomName } from "../../matrix/roomNaming";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { Link } from "../../routing/Link";
import { roomPath } from "../../routing/paths";
import { Button } from "../../ui/Button";
import { useModalFocus } from "../../ui/useModalFocus";
import { HangUpIcon } from "./CallIcons";
import type { Calls } from "./Calls";
import { type CallActions, CallDuration, CallView } from "./CallView";
import type { RoomCall } from "./RoomCall";
import { useCalls, useRoomCall } from "./useCalls";
import "./calls.css";

/**
 * The call we are in, over whatever page is open (the page stays where it is): the whole call,
 * or, shrunk, a bar to get back to it. Also says when a call ended without us hanging up.
 * Mounted once in the app frame; takes the client from the Matrix provider.
 */
export function CallOverlay({ client: given }: { client?: MatrixClient | null }) {
  const matrix = useOptionalMatrixClient();
  const client = given !== undefined ? given : (matrix?.client ?? null);
  const { calls, snapshot } = useCalls(client);
  if (!client || !calls || !snapshot) return null;
  return (
    <>
      {snapshot.active && (
        <ActiveCall
          client={client}
          calls={calls}
          call={snapshot.active}
          minimized={snapshot.minimized}
        />
      )}
      {snapshot.ended && !snapshot.active && (
        <div className="call-ended notice notice--error" role="alert">
          <p>{snapshot.ended.reason}</p>
          <Button variant="link" onClick={() => calls.dismissEnded()}>
            Dismiss
          </Button>
        </div>
      )}
    </>
  );
}

function ActiveCall({
  client,
  calls,
  call,
  minimized,
}: {
  client: MatrixClient;
  calls: Calls;
  call: RoomCall;
  minimized: boolean;
}) {
  const { snapshot } = useRoomCall(calls, call.roomId);
  const actions = useMemo<CallActions>(
    () => ({
      leave: () => void call.leave(),
      setMicrophoneEnabled: (on) => void call.setMicrophoneEnabled(on),
      setCameraEnabled: (on) => void call.setCameraEnabled(on),
      setScreenShareEnabled: (on) => void call.setScreenShareEnabled(on),
      listDevices: (kind) => call.listDevices(kind),
      switchDevice: (kind, id) => void call.switchDevice(kind, id),
      dismissError: () => call.dismissError(),
    }),
    [call],
  );
  if (!snapshot) return null;
  const room = client.getRoom(call.roomId);
  const name = room ? roomName(room, client.getUserId() ?? "") : "Call";
  if (minimized) {
    return (
      <aside className="call-bar" aria-label="Current call">
        <span className="call-bar__text">
          In call · <Link to={roomPath(call.roomId)}>{name}</Link>
        </span>
        <CallDuration since={snapshot.joinedAt} />
        <Button variant="secondary" onClick={() => calls.setMinimized(false)}>
          Show call
        </Button>
        <Button variant="danger" onClick={actions.leave} aria-label="Leave call">
          <HangUpIcon size={18} />
        </Button>
      </aside>
    );
  }
  return (
    <CallDialog onMinimize={() => calls.setMinimized(true)}>
      {(titleId) => (
        <CallView
          snapshot={snapshot}
          actions={actions}
          roomName={name}
          titleId={titleId}
          onMinimize={() => calls.setMinimized(true)}
        />
      )}
    </CallDialog>
  );
}

/**
 * The call over the page as a modal dialog: it takes the focus, keeps Tab inside, shrinks to
 * the bar on Escape, and gives the focus back to where it was (see `useModalFocus`).
 */
function CallDialog({
  onMinimize,
  children,
}: {
  onMinimize: () => void;
  children: (titleId: string) => ReactNode;
}) {
  const titleId = useId();
  const modal = useModalFocus<HTMLDivElement>({ onEscape: onMinimize, initialFocus: "modal" });
  return (
    <div
      ref={modal.ref}
      className="call-overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={modal.onKeyDown}
    >
      {children(titleId)}
    </div>
  );
}
