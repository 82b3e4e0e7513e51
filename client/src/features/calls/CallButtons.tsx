import type { MatrixClient } from "matrix-js-sdk";
import { Button } from "../../ui/Button";
import { CameraIcon, PhoneIcon } from "./CallIcons";
import type { CallPerson } from "./callMembers";
import { useCalls, useRoomCall } from "./useCalls";
import "./calls.css";

export type CallButtonsProps = {
  client: MatrixClient;
  roomId: string;
};

function whoIsIn(people: CallPerson[], myUserId: string): string {
  const others = people.filter((person) => person.userId !== myUserId);
  const names = others.map((person) => person.name);
  if (names.length === 0) return "You are in it";
  if (names.length === 1) return `${names[0]} is in it`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are in it`;
  return `${names[0]} and ${names.length - 1} others are in it`;
}

/** Browsers without WebRTC (or test environments) cannot call at all. */
const canCall = () => typeof globalThis.RTCPeerConnection === "function";

/**
 * The room header's call buttons: start a voice or video call, or, when a call is on, join it
 * (with who is in it); while we are in this room's call, a way back to it.
 */
export function CallButtons({ client, roomId }: CallButtonsProps) {
  const { calls, snapshot: callsSnapshot } = useCalls(client);
  const { snapshot } = useRoomCall(calls, roomId);
  if (!calls || !snapshot || !callsSnapshot) return null;
  const myUserId = client.getUserId() ?? "";
  const inThisCall = callsSnapshot.active?.roomId === roomId;
  const supported = canCall();

  if (inThisCall) {
    return (
      <div className="call-buttons">
        <p className="call-buttons__status" role="status">
          {snapshot.phase === "joining" ? "Joining the call…" : "You are in this call"}
        </p>
        {callsSnapshot.minimized && (
          <Button variant="secondary" onClick={() => calls.setMinimized(false)}>
            Show call
          </Button>
        )}
      </div>
    );
  }

  if (snapshot.people.length > 0) {
    const count = snapshot.people.length;
    return (
      <div className="call-buttons">
        <p className="call-buttons__status" role="status">
          <span className="call-buttons__live" aria-hidden="true" />
          Call in progress · {whoIsIn(snapshot.people, myUserId)}
        </p>
        <Button onClick={() => void calls.join(roomId)} disabled={!supported}>
          {snapshot.intent === "audio" ? <PhoneIcon size={18} /> : <CameraIcon size={18} />}
          <span>Join call</span>
          <span className="call-buttons__count" aria-hidden="true">
            {count}
          </span>
          <span className="visually-hidden">, {count} in the call</span>
        </Button>
      </div>
    );
  }

  return (
    <div className="call-buttons">
      <p className="call-buttons__status live-region" role="status" />
      <Button
        variant="secondary"
        onClick={() => void calls.join(roomId, "audio")}
        disabled={!supported}
        aria-label="Start voice call"
        title={supported ? "Start voice call" : "This browser can't make calls"}
      >
        <PhoneIcon size={18} />
        <span>Voice call</span>
      </Button>
      <Button
        variant="secondary"
        onClick={() => void calls.join(roomId, "video")}
        disabled={!supported}
        aria-label="Start video call"
        title={supported ? "Start video call" : "This browser can't make calls"}
      >
        <CameraIcon size={18} />
        <span>Video call</span>
      </Button>
    </div>
  );
}
