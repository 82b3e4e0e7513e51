import type { SfuConfig } from "./sfuConfig";

// The media half of a call, as the call's view model sees it: one connection to the SFU, who
// publishes what, and our own microphone, camera and screen. livekitMedia.ts implements it with
// livekit-client, loaded only when a call starts; tests use a fake.

export type DeviceKind = "audioinput" | "videoinput";

export type DeviceOption = { id: string; label: string };

/** A track someone publishes, to show in a `<video>` or play in an `<audio>`. */
export interface MediaTrackHandle {
  /** Stable while the track lives: a key for React. */
  readonly id: string;
  attach(element: HTMLMediaElement): void;
  detach(element: HTMLMediaElement): void;
}

/** One participant of the SFU room, found by the LiveKit identity their membership implies. */
export type MediaParticipant = {
  identity: string;
  isLocal: boolean;
  speaking: boolean;
  /** Publishing an unmuted microphone. */
  microphoneOn: boolean;
  /** Their camera, while it is on (and, for others, reaching us). */
  camera: MediaTrackHandle | null;
  screenShare: MediaTrackHandle | null;
  /** Sound to play: their microphone and screen-share audio (never our own). */
  audio: MediaTrackHandle[];
  /** Everything they publish is end-to-end encrypted. */
  encrypted: boolean;
};

export type MediaConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

export type MediaSnapshot = {
  state: MediaConnectionState;
  /** Everyone in the SFU room, by LiveKit identity, us included once connected. */
  participants: ReadonlyMap<string, MediaParticipant>;
  localIdentity: string | null;
  microphoneOn: boolean;
  cameraOn: boolean;
  screenSharing: boolean;
  activeDevices: Record<DeviceKind, string | null>;
};

export const DISCONNECTED_MEDIA: MediaSnapshot = {
  state: "disconnected",
  participants: new Map(),
  localIdentity: null,
  microphoneOn: false,
  cameraOn: false,
  screenSharing: false,
  activeDevices: { audioinput: null, videoinput: null },
};

export interface CallMedia {
  connect(sfu: SfuConfig): Promise<void>;
  setMicrophoneEnabled(on: boolean): Promise<void>;
  setCameraEnabled(on: boolean): Promise<void>;
  setScreenShareEnabled(on: boolean): Promise<void>;
  listDevices(kind: DeviceKind): Promise<DeviceOption[]>;
  switchDevice(kind: DeviceKind, deviceId: string): Promise<void>;
  /** A participant's media key (raw bytes from MatrixRTC's key exchange) at a key index. */
  setEncryptionKey(identity: string, index: number, key: Uint8Array): Promise<void>;
  /** Stops our tracks and leaves the SFU room. Never rejects. */
  disconnect(): Promise<void>;
  getSnapshot(): MediaSnapshot;
  subscribe(listener: () => void): () => void;
}

export type CallMediaOptions = {
  /** Encrypt our media and decrypt others' with per-participant keys (encrypted rooms). */
  encrypted: boolean;
};

export interface CallMediaFactory {
  create(options: CallMediaOptions): CallMedia;
  /** Whether this browser can encrypt call media (insertable streams or script transforms). */
  supportsEncryption(): boolean;
}

/** livekit-client and the media code, fetched on first use so the app frame stays small. */
export function loadLivekitMedia(): Promise<CallMediaFactory> {
  return import("./livekitMedia").then((module) => module.livekitMediaFactory);
}
