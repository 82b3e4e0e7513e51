import { useEffect, useState, useSyncExternalStore } from "react";
import { Button } from "../../ui/Button";
import { formatDuration } from "../../ui/mediaFormat";
import { Duration } from "./AudioMessage";
import type { VoiceClip } from "./UploadQueue";
import { type RecordingEnvironment, VoiceRecording } from "./VoiceRecording";
import "./media.css";

export type VoiceRecorderProps = {
  onSend: (clip: VoiceClip) => void;
  /** Stand-ins for the browser's recording parts (tests). */
  environment?: RecordingEnvironment;
};

/**
 * Recording a voice message: Record → (recording, with a timer) Stop → a preview to listen to,
 * with its length → Send, or Cancel at any point to throw it away.
 */
export function VoiceRecorder({ onSend, environment }: VoiceRecorderProps) {
  const [recording] = useState(() => new VoiceRecording(environment));
  const state = useSyncExternalStore(recording.subscribe, recording.getSnapshot);
  // Leaving the room stops the microphone and drops an unsent recording.
  useEffect(() => () => recording.cancel(), [recording]);

  switch (state.phase) {
    case "idle":
    case "error":
      return (
        <>
          <Button
            variant="secondary"
            className="composer__tool"
            aria-label="Record voice message"
            title="Record voice message"
            onClick={() => void recording.start()}
          >
            <svg
              className="composer__icon"
              viewBox="0 0 24 24"
              aria-hidden="true"
              focusable="false"
            >
              <rect x="9" y="3" width="6" height="11" rx="3" />
              <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7" />
            </svg>
          </Button>
          {state.phase === "error" && (
            <p className="voice-recorder__error" role="alert">
              {state.message}
            </p>
          )}
        </>
      );
    case "starting":
      return (
        <p className="voice-recorder" role="status">
          Waiting for the microphone…
          <Button variant="link" onClick={() => recording.cancel()}>
            Cancel
          </Button>
        </p>
      );
    case "recording":
    case "processing":
      return (
        <section className="voice-recorder voice-recorder--live" aria-label="Voice message">
          <span className="voice-recorder__dot" aria-hidden="true" />
          <span role="timer" aria-label="Recording time">
            {state.phase === "recording" ? formatDuration(state.elapsedMs) : "…"}
          </span>
          <Button
            variant="secondary"
            disabled={state.phase !== "recording"}
            onClick={() => recording.stop()}
          >
            Stop
          </Button>
          <Button variant="link" onClick={() => recording.cancel()}>
            Cancel
          </Button>
        </section>
      );
    case "recorded":
      return (
        <section className="voice-recorder" aria-label="Voice message">
          {/* biome-ignore lint/a11y/useMediaCaption: a person's own recording, just made. */}
          <audio controls src={state.previewUrl} aria-label="Your recording" />
          <Duration ms={state.clip.durationMs} />
          <Button
            onClick={() => {
              const clip = recording.take();
              if (clip) onSend(clip);
            }}
          >
            Send voice message
          </Button>
          <Button variant="link" onClick={() => recording.cancel()}>
            Cancel
          </Button>
        </section>
      );
  }
}
