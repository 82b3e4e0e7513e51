import {
  BaseKeyProvider,
  ConnectionState,
  isE2EESupported,
  type Participant,
  Room,
  RoomEvent,
  Track,
  type TrackPublication,
  VideoPresets,
} from "livekit-client";
import E2EEWorker from "livekit-client/e2ee-worker?worker";
import {
  type CallMedia,
  type CallMediaFactory,
  type CallMediaOptions,
  type DeviceKind,
  type DeviceOption,
  DISCONNECTED_MEDIA,
  type MediaConnectionState,
  type MediaParticipant,
  type MediaSnapshot,
  type MediaTrackHandle,
} from "./media";
import type { SfuConfig } from "./sfuConfig";

/**
 * Per-participant media keys from MatrixRTC's to-device key exchange, handed to LiveKit's E2EE
 * worker. The raw key is HKDF material, as Element Call imports it, so both encrypt alike.
 */
class MatrixRtcKeyProvider extends BaseKeyProvider {
  constructor() {
    // Element Call's settings: MatrixRTC key indexes go up to 255 and keys are never ratcheted.
    super({ ratchetWindowSize: 10, keyringSize: 256 });
  }

  async setParticipantKey(identity: string, index: number, key: Uint8Array): Promise<void> {
    const material = await crypto.subtle.importKey("raw", new Uint8Array(key), "HKDF", false, [
      "deriveBits",
      "deriveKey",
    ]);
    this.onSetEncryptionKey(material, identity, index);
  }
}

// Every room event that can change what a call shows; the snapshot is rebuilt on any of them.
const SNAPSHOT_EVENTS = [
  RoomEvent.ConnectionStateChanged,
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  RoomEvent.ActiveSpeakersChanged,
  RoomEvent.ActiveDeviceChanged,
  RoomEvent.MediaDevicesChanged,
  RoomEvent.ParticipantEncryptionStatusChanged,
  RoomEvent.Reconnecting,
  RoomEvent.SignalReconnecting,
  RoomEvent.Reconnected,
  RoomEvent.Disconnected,
] as const;

function connectionStateOf(state: ConnectionState): MediaConnectionState {
  switch (state) {
    case ConnectionState.Connected:
      return "connected";
    case ConnectionState.Connecting:
      return "connecting";
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return "reconnecting";
    default:
      return "disconnected";
  }
}

class LivekitCallMedia implements CallMedia {
  readonly #room: Room;
  readonly #keys: MatrixRtcKeyProvider | null;
  readonly #worker: Worker | null;
  readonly #listeners = new Set<() => void>();
  /** One handle per track, so views keep their `<video>` while the track lives. */
  readonly #handles = new WeakMap<Track, MediaTrackHandle>();
  #snapshot: MediaSnapshot = DISCONNECTED_MEDIA;
  #scheduled = false;

  constructor({ encrypted }: CallMediaOptions) {
    this.#keys = encrypted ? new MatrixRtcKeyProvider() : null;
    // One worker per room: it keeps per-room state.
    this.#worker = encrypted ? new E2EEWorker() : null;
    this.#room = new Room({
      // Receive only the video quality each tile shows; pause layers nobody watches.
      adaptiveStream: true,
      dynacast: true,
      disconnectOnPageLeave: true,
      stopLocalTrackOnUnpublish: true,
      videoCaptureDefaults: { resolution: VideoPresets.h720.resolution },
      publishDefaults: {
        dtx: true,
        // The SFU strips redundant audio for clients without it, which breaks encrypted audio.
        red: false,
        simulcast: true,
        videoSimulcastLayers: [VideoPresets.h180, VideoPresets.h360],
        // Unmuting must not ask for the microphone again.
        stopMicTrackOnMute: false,
      },
      ...(this.#keys && this.#worker
        ? { encryption: { keyProvider: this.#keys, worker: this.#worker } }
        : {}),
    });
    for (const event of SNAPSHOT_EVENTS) this.#room.on(event, this.#changed);
  }

  async connect({ url, jwt }: SfuConfig): Promise<void> {
    if (this.#keys) await this.#room.setE2EEEnabled(true);
    await this.#room.connect(url, jwt, { autoSubscribe: true });
    this.#changed();
  }

  async setMicrophoneEnabled(on: boolean): Promise<void> {
    try {
      await this.#room.localParticipant.setMicrophoneEnabled(on);
    } finally {
      this.#changed();
    }
  }

  async setCameraEnabled(on: boolean): Promise<void> {
    try {
      await this.#room.localParticipant.setCameraEnabled(on);
    } finally {
      this.#changed();
    }
  }

  async setScreenShareEnabled(on: boolean): Promise<void> {
    try {
      await this.#room.localParticipant.setScreenShareEnabled(on, { audio: true });
    } finally {
      this.#changed();
    }
  }

  async listDevices(kind: DeviceKind): Promise<DeviceOption[]> {
    // No permission prompt here: by the time anyone picks a device we already use one.
    const devices = await Room.getLocalDevices(kind, false);
    return devices
      .filter((device) => device.deviceId !== "")
      .map((device, index) => ({
        id: device.deviceId,
        label: device.label || `${kind === "audioinput" ? "Microphone" : "Camera"} ${index + 1}`,
      }));
  }

  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    try {
      await this.#room.switchActiveDevice(kind, deviceId);
    } finally {
      this.#changed();
    }
  }

  async setEncryptionKey(identity: string, index: number, key: Uint8Array): Promise<void> {
    await this.#keys?.setParticipantKey(identity, index, key);
  }

  async disconnect(): Promise<void> {
    try {
      await this.#room.disconnect(true);
    } catch {
      // Already gone: nothing left to stop.
    }
    for (const event of SNAPSHOT_EVENTS) this.#room.off(event, this.#changed);
    this.#worker?.terminate();
    this.#snapshot = DISCONNECTED_MEDIA;
    this.#notify();
  }

  getSnapshot = (): MediaSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  // Events come in bursts (a join publishes, subscribes and unmutes at once): rebuild once.
  #changed = () => {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#snapshot = this.#describe();
      this.#notify();
    });
  };

  #notify() {
    for (const listener of this.#listeners) listener();
  }

  #describe(): MediaSnapshot {
    const room = this.#room;
    const local = room.localParticipant;
    const participants = new Map<string, MediaParticipant>();
    for (const participant of [local, ...room.remoteParticipants.values()]) {
      if (participant.identity === "") continue;
      participants.set(participant.identity, this.#participant(participant));
    }
    return {
      state: connectionStateOf(room.state),
      participants,
      localIdentity: local.identity || null,
      microphoneOn: local.isMicrophoneEnabled,
      cameraOn: local.isCameraEnabled,
      screenSharing: local.isScreenShareEnabled,
      activeDevices: {
        audioinput: room.getActiveDevice("audioinput") ?? null,
        videoinput: room.getActiveDevice("videoinput") ?? null,
      },
    };
  }

  #participant(participant: Participant): MediaParticipant {
    const isLocal = participant === this.#room.localParticipant;
    const visible = (source: Track.Source) => {
      const publication = participant.getTrackPublication(source);
      return publication?.track && !publication.isMuted ? this.#handle(publication.track) : null;
    };
    const audible = (publication: TrackPublication | undefined) =>
      !isLocal && publication?.track && publication.isSubscribed
        ? [this.#handle(publication.track)]
        : [];
    const microphone = participant.getTrackPublication(Track.Source.Microphone);
    return {
      identity: participant.identity,
      isLocal,
      speaking: participant.isSpeaking,
      microphoneOn: microphone !== undefined && !microphone.isMuted,
      camera: visible(Track.Source.Camera),
      screenShare: visible(Track.Source.ScreenShare),
      audio: [
        ...audible(microphone),
        ...audible(participant.getTrackPublication(Track.Source.ScreenShareAudio)),
      ],
      encrypted: participant.isEncrypted,
    };
  }

  #handle(track: Track): MediaTrackHandle {
    let handle = this.#handles.get(track);
    if (!handle) {
      handle = {
        id: track.sid ?? track.mediaStreamTrack.id,
        attach: (element) => void track.attach(element),
        detach: (element) => void track.detach(element),
      };
      this.#handles.set(track, handle);
    }
    return handle;
  }
}

export const livekitMediaFactory: CallMediaFactory = {
  create: (options) => new LivekitCallMedia(options),
  supportsEncryption: () => isE2EESupported(),
};
