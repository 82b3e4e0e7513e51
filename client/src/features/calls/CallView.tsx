import { useEffect, useId, useState } from "react";
import { Button } from "../../ui/Button";
import {
  CameraIcon,
  HangUpIcon,
  MicrophoneIcon,
  MinimizeIcon,
  ScreenIcon,
  SettingsIcon,
} from "./CallIcons";
import { describeCallDuration, formatCallDuration } from "./callDuration";
import type { DeviceKind, DeviceOption } from "./media";
import { ParticipantTile, RemoteAudio } from "./ParticipantTile";
import type { RoomCallSnapshot } from "./RoomCall";

/** What the call view can do; a `RoomCall` does all of it. */
export type CallActions = {
  leave(): void;
  setMicrophoneEnabled(on: boolean): void;
  setCameraEnabled(on: boolean): void;
  setScreenShareEnabled(on: boolean): void;
  listDevices(kind: DeviceKind): Promise<DeviceOption[]>;
  switchDevice(kind: DeviceKind, deviceId: string): void;
  dismissError(): void;
};

export type CallViewProps = {
  snapshot: RoomCallSnapshot;
  actions: CallActions;
  roomName: string;
  onMinimize?: () => void;
  /** The id to give the title, for a dialog around the view to be named by it. */
  titleId?: string;
};

/** The current time, ticking every second while mounted. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function CallDuration({ since }: { since: number | null }) {
  const now = useNow();
  if (since === null) return null;
  const elapsed = Math.max(0, now - since);
  return (
    <time
      className="call-duration"
      role="timer"
      aria-label={`Call duration ${describeCallDuration(elapsed)}`}
    >
      {formatCallDuration(elapsed)}
    </time>
  );
}

function connectionLine(snapshot: RoomCallSnapshot): string {
  if (snapshot.phase === "joining") return "Connecting…";
  if (snapshot.phase === "leaving") return "Leaving…";
  if (snapshot.connection === "reconnecting") return "Reconnecting…";
  return "";
}

/**
 * The call we are in: a tile per person (and per shared screen), our controls, and how long we
 * have been in it. Everyone else's sound plays from here.
 */
export function CallView({
  snapshot,
  actions,
  roomName,
  onMinimize,
  titleId: given,
}: CallViewProps) {
  const ownTitleId = useId();
  const titleId = given ?? ownTitleId;
  const others = snapshot.tiles.filter((tile) => !tile.isLocal && tile.kind === "camera");
  const status = connectionLine(snapshot);
  return (
    <section className="call-view" aria-labelledby={titleId}>
      <header className="call-view__header">
        <h2 id={titleId} className="call-view__title">
          {snapshot.intent === "audio" ? "Voice call" : "Video call"} · {roomName}
        </h2>
        {snapshot.encrypted && <span className="call-view__badge">End-to-end encrypted</span>}
        <CallDuration since={snapshot.joinedAt} />
        {onMinimize && (
          <Button variant="secondary" className="call-icon-button" onClick={onMinimize}>
            <MinimizeIcon />
            <span>Back to chat</span>
          </Button>
        )}
      </header>
      <div
        className={`call-view__status live-region${status === "Reconnecting…" ? " call-view__status--warning" : ""}`}
        role="status"
      >
        {status}
        {snapshot.phase === "joined" && others.length === 0 && "Waiting for others to join…"}
      </div>
      <ul className={`call-grid call-grid--${Math.min(snapshot.tiles.length, 9)}`}>
        {snapshot.tiles.map((tile) => (
          <li key={tile.key} className="call-grid__cell">
            <ParticipantTile tile={tile} />
          </li>
        ))}
      </ul>
      {snapshot.error && (
        <div className="call-view__error notice notice--error" role="alert">
          <p>{snapshot.error}</p>
          <Button variant="link" onClick={actions.dismissError}>
            Dismiss
          </Button>
        </div>
      )}
      <CallControls snapshot={snapshot} actions={actions} />
      <RemoteAudio tracks={snapshot.remoteAudio} />
    </section>
  );
}

function CallControls({ snapshot, actions }: { snapshot: RoomCallSnapshot; actions: CallActions }) {
  const [devicesOpen, setDevicesOpen] = useState(false);
  const joined = snapshot.phase === "joined";
  const screenShareSupported =
    typeof navigator !== "undefined" &&
    typeof navigator.mediaDevices?.getDisplayMedia === "function";
  return (
    <div className="call-controls-area">
      {devicesOpen && joined && (
        <DevicePicker snapshot={snapshot} actions={actions} onClose={() => setDevicesOpen(false)} />
      )}
      <div className="call-controls" role="toolbar" aria-label="Call controls">
        <button
          type="button"
          className={`call-control${snapshot.microphoneOn ? "" : " call-control--off"}`}
          onClick={() => actions.setMicrophoneEnabled(!snapshot.microphoneOn)}
          disabled={!joined}
          aria-label={snapshot.microphoneOn ? "Mute microphone" : "Unmute microphone"}
          title={snapshot.microphoneOn ? "Mute microphone" : "Unmute microphone"}
        >
          <MicrophoneIcon off={!snapshot.microphoneOn} />
        </button>
        <button
          type="button"
          className={`call-control${snapshot.cameraOn ? "" : " call-control--off"}`}
          onClick={() => actions.setCameraEnabled(!snapshot.cameraOn)}
          disabled={!joined}
          aria-label={snapshot.cameraOn ? "Turn camera off" : "Turn camera on"}
          title={snapshot.cameraOn ? "Turn camera off" : "Turn camera on"}
        >
          <CameraIcon off={!snapshot.cameraOn} />
        </button>
        {screenShareSupported && (
          <button
            type="button"
            className={`call-control${snapshot.screenSharing ? " call-control--active" : ""}`}
            onClick={() => actions.setScreenShareEnabled(!snapshot.screenSharing)}
            disabled={!joined}
            aria-label={snapshot.screenSharing ? "Stop sharing screen" : "Share screen"}
            title={snapshot.screenSharing ? "Stop sharing screen" : "Share screen"}
          >
            <ScreenIcon />
          </button>
        )}
        <button
          type="button"
          className="call-control"
          onClick={() => setDevicesOpen((open) => !open)}
          disabled={!joined}
          aria-expanded={devicesOpen}
          aria-label="Choose microphone and camera"
          title="Choose microphone and camera"
        >
          <SettingsIcon />
        </button>
        <button
          type="button"
          className="call-control call-control--leave"
          onClick={actions.leave}
          disabled={snapshot.phase === "leaving"}
          aria-label="Leave call"
          title="Leave call"
        >
          <HangUpIcon />
        </button>
      </div>
    </div>
  );
}

function DevicePicker({
  snapshot,
  actions,
  onClose,
}: {
  snapshot: RoomCallSnapshot;
  actions: CallActions;
  onClose: () => void;
}) {
  const [devices, setDevices] = useState<Record<DeviceKind, DeviceOption[]> | null>(null);
  const microphoneId = useId();
  const cameraId = useId();
  useEffect(() => {
    let current = true;
    void Promise.all([actions.listDevices("audioinput"), actions.listDevices("videoinput")]).then(
      ([audioinput, videoinput]) => {
        if (current) setDevices({ audioinput, videoinput });
      },
    );
    return () => {
      current = false;
    };
  }, [actions]);
  return (
    <fieldset className="call-devices">
      <legend className="visually-hidden">Devices</legend>
      {devices === null ? (
        <p role="status">Looking for devices…</p>
      ) : (
        <>
          <DeviceSelect
            id={microphoneId}
            label="Microphone"
            options={devices.audioinput}
            value={snapshot.activeDevices.audioinput}
            onChange={(id) => actions.switchDevice("audioinput", id)}
          />
          <DeviceSelect
            id={cameraId}
            label="Camera"
            options={devices.videoinput}
            value={snapshot.activeDevices.videoinput}
            onChange={(id) => actions.switchDevice("videoinput", id)}
          />
        </>
      )}
      <Button variant="secondary" onClick={onClose}>
        Done
      </Button>
    </fieldset>
  );
}

function DeviceSelect({
  id,
  label,
  options,
  value,
  onChange,
}: {
  id: string;
  label: string;
  options: DeviceOption[];
  value: string | null;
  onChange: (deviceId: string) => void;
}) {
  return (
    <div className="call-devices__field">
      <label htmlFor={id}>{label}</label>
      {options.length === 0 ? (
        <p id={id}>None found</p>
      ) : (
        <select
          id={id}
          value={value && options.some((o) => o.id === value) ? value : (options[0]?.id ?? "")}
          onChange={(event) => onChange(event.target.value)}
        >
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
