import type { MatrixClient } from "matrix-js-sdk";
import { useId } from "react";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { roomPath } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { CameraIcon, PhoneIcon } from "./CallIcons";
import type { IncomingCall, MissedCall } from "./IncomingCalls";
import { useCalls } from "./useCalls";
import "./calls.css";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

const kindOf = (call: { intent: "audio" | "video" }) =>
  call.intent === "audio" ? "voice call" : "video call";

/**
 * An incoming call in a one-to-one chat (it rings while shown), and the calls nobody answered.
 * Mounted once in the app frame; takes the client from the Matrix provider.
 */
export function IncomingCallPrompt({ client: given }: { client?: MatrixClient | null }) {
  const matrix = useOptionalMatrixClient();
  const client = given !== undefined ? given : (matrix?.client ?? null);
  const { calls, snapshot } = useCalls(client);
  if (!calls || !snapshot) return null;
  const callBack = (missed: MissedCall) => {
    calls.dismissMissed(missed.key);
    navigate(roomPath(missed.roomId));
    void calls.join(missed.roomId, missed.intent);
  };
  return (
    <div className="call-prompts">
      {snapshot.ringing && (
        <Ringing
          call={snapshot.ringing}
          onAccept={() => {
            navigate(roomPath(snapshot.ringing?.roomId ?? ""));
            void calls.accept();
          }}
          onDecline={() => calls.decline()}
        />
      )}
      <div className="live-region" role="status">
        {snapshot.missed.map((missed) => (
          <div key={missed.key} className="call-missed">
            <p>
              Missed {kindOf(missed)} from {missed.caller.name}{" "}
              <time dateTime={new Date(missed.at).toISOString()}>
                at {timeFormat.format(missed.at)}
              </time>
            </p>
            <div className="call-missed__actions">
              <Button variant="secondary" onClick={() => callBack(missed)}>
                Call back
              </Button>
              <Button variant="link" onClick={() => calls.dismissMissed(missed.key)}>
                Dismiss
              </Button>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

function Ringing({
  call,
  onAccept,
  onDecline,
}: {
  call: IncomingCall;
  onAccept: () => void;
  onDecline: () => void;
}) {
  const titleId = useId();
  const descriptionId = useId();
  return (
    <div
      className="call-incoming"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
    >
      <Avatar name={call.caller.name} mxcUrl={call.caller.avatarUrl} size={48} />
      <div className="call-incoming__text">
        <h2 id={titleId} className="call-incoming__title">
          {call.caller.name} is calling
        </h2>
        <p id={descriptionId}>Incoming {kindOf(call)}</p>
      </div>
      <div className="call-incoming__actions">
        <Button variant="danger" onClick={onDecline}>
          Decline
        </Button>
        <Button onClick={onAccept}>
          {call.intent === "audio" ? <PhoneIcon size={18} /> : <CameraIcon size={18} />}
          <span>Accept</span>
        </Button>
      </div>
    </div>
  );
}
