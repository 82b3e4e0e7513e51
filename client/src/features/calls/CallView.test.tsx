import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type CallActions, CallView } from "./CallView";
import type { CallTile, RoomCallSnapshot } from "./RoomCall";
import { fakeTrack } from "./testing/fakeCalls";

const ANA = { userId: "@ana:x", name: "Ana Lima", avatarUrl: null };
const BEN = { userId: "@ben:x", name: "Ben Okafor", avatarUrl: null };

function tileOf(fields: Partial<CallTile> & Pick<CallTile, "key" | "person">): CallTile {
  return {
    isLocal: false,
    kind: "camera",
    speaking: false,
    microphoneOn: true,
    video: null,
    connecting: false,
    encrypted: false,
    ...fields,
  };
}

function snapshotOf(fields: Partial<RoomCallSnapshot> = {}): RoomCallSnapshot {
  return {
    roomId: "!room:x",
    people: [ANA, BEN],
    intent: "video",
    phase: "joined",
    joinedAt: Date.now() - 65_000,
    connection: "connected",
    error: null,
    tiles: [
      tileOf({ key: "ben", person: BEN, microphoneOn: false, speaking: true }),
      tileOf({ key: "local", person: ANA, isLocal: true }),
    ],
    remoteAudio: [],
    microphoneOn: true,
    cameraOn: true,
    screenSharing: false,
    activeDevices: { audioinput: "mic-2", videoinput: null },
    encrypted: false,
    ...fields,
  };
}

function actionsOf(): CallActions & Record<string, ReturnType<typeof vi.fn>> {
  return {
    leave: vi.fn(),
    setMicrophoneEnabled: vi.fn(),
    setCameraEnabled: vi.fn(),
    setScreenShareEnabled: vi.fn(),
    listDevices: vi.fn(async (kind: string) =>
      kind === "audioinput"
        ? [
            { id: "mic-1", label: "Desk microphone" },
            { id: "mic-2", label: "Headset" },
          ]
        : [{ id: "cam-1", label: "Webcam" }],
    ),
    switchDevice: vi.fn(),
    dismissError: vi.fn(),
  };
}

describe("CallView", () => {
  it("shows a tile per person with their name, muted microphone and speaking", () => {
    render(<CallView snapshot={snapshotOf()} actions={actionsOf()} roomName="Ben Okafor" />);
    const ben = screen.getByRole("figure", { name: "Ben Okafor" });
    expect(within(ben).getByRole("img", { name: "Microphone off" })).toBeInTheDocument();
    expect(within(ben).getByText("Speaking")).toBeInTheDocument();
    const me = screen.getByRole("figure", { name: "Ana Lima (you)" });
    expect(within(me).queryByRole("img", { name: "Microphone off" })).toBeNull();
    expect(screen.getByRole("timer")).toHaveTextContent("1:05");
    expect(screen.getByRole("heading", { name: "Video call · Ben Okafor" })).toBeInTheDocument();
  });

  it("mutes, unmutes and turns the camera off from the controls", () => {
    const actions = actionsOf();
    const { rerender } = render(
      <CallView snapshot={snapshotOf()} actions={actions} roomName="Ben" />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Mute microphone" }));
    expect(actions.setMicrophoneEnabled).toHaveBeenCalledWith(false);

    rerender(
      <CallView snapshot={snapshotOf({ microphoneOn: false })} actions={actions} roomName="Ben" />,
    );
    fireEvent.click(screen.getByRole("button", { name: "Unmute microphone" }));
    expect(actions.setMicrophoneEnabled).toHaveBeenLastCalledWith(true);

    fireEvent.click(screen.getByRole("button", { name: "Turn camera off" }));
    expect(actions.setCameraEnabled).toHaveBeenCalledWith(false);
    fireEvent.click(screen.getByRole("button", { name: "Leave call" }));
    expect(actions.leave).toHaveBeenCalledOnce();
  });

  it("plays video and sound by attaching the tracks, and lets go of them", () => {
    const camera = fakeTrack("ben-camera");
    const voice = fakeTrack("ben-voice");
    const snapshot = snapshotOf({
      tiles: [tileOf({ key: "ben", person: BEN, video: camera })],
      remoteAudio: [voice],
    });
    const { unmount } = render(<CallView snapshot={snapshot} actions={actionsOf()} roomName="x" />);
    expect(camera.attachedTo).toHaveLength(1);
    expect(camera.attachedTo[0]?.tagName).toBe("VIDEO");
    expect(voice.attachedTo[0]?.tagName).toBe("AUDIO");
    unmount();
    expect(camera.attachedTo).toEqual([]);
    expect(voice.attachedTo).toEqual([]);
  });

  it("says when the connection is being re-established", () => {
    render(
      <CallView
        snapshot={snapshotOf({ connection: "reconnecting" })}
        actions={actionsOf()}
        roomName="x"
      />,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
  });

  it("switches the microphone from the device picker", async () => {
    const actions = actionsOf();
    render(<CallView snapshot={snapshotOf()} actions={actions} roomName="x" />);
    fireEvent.click(screen.getByRole("button", { name: "Choose microphone and camera" }));
    const microphone = await screen.findByRole("combobox", { name: "Microphone" });
    expect(microphone).toHaveValue("mic-2");
    fireEvent.change(microphone, { target: { value: "mic-1" } });
    expect(actions.switchDevice).toHaveBeenCalledWith("audioinput", "mic-1");
    await waitFor(() =>
      expect(screen.getByRole("combobox", { name: "Camera" })).toHaveValue("cam-1"),
    );
  });

  it("shows a problem, which can be dismissed", () => {
    const actions = actionsOf();
    render(
      <CallView
        snapshot={snapshotOf({ error: "No camera was found." })}
        actions={actions}
        roomName="x"
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("No camera was found.");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(actions.dismissError).toHaveBeenCalled();
  });
});
