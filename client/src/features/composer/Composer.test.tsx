import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import "../../test/fakeMediaServer";
import { fakeRecordingEnvironment } from "../../test/fakeRecording";
import { roomWithBob } from "../../test/fakeSendingClient";
import { withUploads } from "../../test/fakeUploads";
import { Composer, type ComposerProps } from "./Composer";

const BOB = "@bob:example.org";

function renderComposer(props: Partial<ComposerProps> = {}) {
  const setup = roomWithBob();
  const handlers = {
    onCancelReply: vi.fn(),
    onCancelEdit: vi.fn(),
    onCancelCorrection: vi.fn(),
    onSent: vi.fn(),
  };
  const allProps = (extra: Partial<ComposerProps>): ComposerProps => ({
    client: setup.client.asClient(),
    roomId: setup.roomId,
    ...handlers,
    ...extra,
  });
  const user = userEvent.setup();
  const view = render(<Composer {...allProps(props)} />);
  const rerender = (extra: Partial<ComposerProps>) =>
    view.rerender(<Composer {...allProps(extra)} />);
  const box = screen.getByRole("textbox", { name: "Message" });
  return { ...setup, ...handlers, user, box, rerender };
}

/** The content of the n-th sendMessage call. */
function sent(client: ReturnType<typeof roomWithBob>["client"], index = 0) {
  return client.sendMessage.mock.calls[index]?.[1];
}

describe("Composer", () => {
  it("sends with Enter, as a local echo with a transaction id, and empties the box", async () => {
    const { client, roomId, user, box, onSent } = renderComposer();

    expect(box).toHaveAttribute("placeholder", "Write a message…");
    await user.type(box, "Olá, Bob!{Enter}");

    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      { msgtype: "m.text", body: "Olá, Bob!", "m.mentions": {} },
      "txn1",
    );
    expect(box).toHaveValue("");
    expect(onSent).toHaveBeenCalledTimes(1);
    expect(client.echoes(roomId)[0]?.getContent().body).toBe("Olá, Bob!");
  });

  it("starts a new line with Shift+Enter and sends with the Send button", async () => {
    const { client, user, box } = renderComposer();

    await user.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(client.sendMessage).not.toHaveBeenCalled();
    expect(box).toHaveValue("line one\nline two");

    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(sent(client)).toMatchObject({ body: "line one\nline two" });
  });

  it("does not send an empty or blank message", async () => {
    const { client, user, box } = renderComposer();

    await user.type(box, "{Enter}");
    await user.type(box, "   {Shift>}{Enter}{/Shift}  {Enter}");

    expect(client.sendMessage).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
  });

  it("replies: shows whom to, relates the reply and notifies the sender", async () => {
    const { client, roomId, room, user, box, rerender, onCancelReply } = renderComposer();
    const question = room.message(BOB, "¿Vienes mañana?");
    const replyTo = {
      eventId: question.getId() ?? "",
      senderName: "Bob Silva",
      body: "¿Vienes mañana?",
    };
    rerender({ replyTo });

    expect(screen.getByText("Replying to Bob Silva")).toBeInTheDocument();
    expect(screen.getByText("¿Vienes mañana?")).toBeInTheDocument();
    expect(box).toHaveFocus();
    await user.type(box, "¡Sí!{Enter}");

    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      {
        msgtype: "m.text",
        body: "¡Sí!",
        "m.mentions": { user_ids: [BOB] },
        "m.relates_to": { "m.in_reply_to": { event_id: question.getId() } },
      },
      "txn1",
    );
    expect(onCancelReply).toHaveBeenCalledTimes(1);
  });

  it("cancels a reply with its button or Escape", async () => {
    const { user, box, onCancelReply } = renderComposer({
      replyTo: { eventId: "$q", senderName: "Bob Silva", body: "hi" },
    });

    await user.click(screen.getByRole("button", { name: "Cancel reply" }));
    expect(onCancelReply).toHaveBeenCalledTimes(1);
    await user.type(box, "{Escape}");
    expect(onCancelReply).toHaveBeenCalledTimes(2);
  });

  it("edits: prefills the text, sends m.replace with a '* ' fallback, then restores the draft", async () => {
    const { client, roomId, user, box, rerender, onCancelEdit } = renderComposer();
    await user.type(box, "half-written");
    rerender({ editing: { eventId: "$mine", body: "Hola, que tal?" } });

    expect(screen.getByText("Editing message")).toBeInTheDocument();
    expect(box).toHaveValue("Hola, que tal?");
    await user.clear(box);
    await user.type(box, "Hola, ¿qué tal?{Enter}");

    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      {
        msgtype: "m.text",
        body: "* Hola, ¿qué tal?",
        "m.mentions": {},
        "m.new_content": { msgtype: "m.text", body: "Hola, ¿qué tal?", "m.mentions": {} },
        "m.relates_to": { rel_type: "m.replace", event_id: "$mine" },
      },
      "txn1",
    );
    expect(onCancelEdit).toHaveBeenCalledTimes(1);
    rerender({ editing: null });
    expect(box).toHaveValue("half-written");
  });

  it("cancels an edit with Escape or its button, and sends nothing for an unchanged edit", async () => {
    const { client, user, box, onCancelEdit } = renderComposer({
      editing: { eventId: "$mine", body: "same" },
    });

    await user.type(box, "{Escape}");
    expect(onCancelEdit).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole("button", { name: "Cancel edit" }));
    expect(onCancelEdit).toHaveBeenCalledTimes(2);
    await user.type(box, "{Enter}");
    expect(onCancelEdit).toHaveBeenCalledTimes(3);
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  it("corrects: prefills the partner's text, previews the diff and sends the correction event", async () => {
    const { client, roomId, room, user, box, rerender, onCancelCorrection } = renderComposer();
    const original = room.message(BOB, "I has gone to the park");
    const eventId = original.getId() ?? "";
    rerender({ correcting: { eventId, senderName: "Bob Silva", body: "I has gone to the park" } });

    expect(screen.getByText("Correcting Bob Silva's message")).toBeInTheDocument();
    expect(box).toHaveValue("I has gone to the park");
    await user.clear(box);
    await user.type(box, "I went to the park");
    const preview = screen.getByText("Your correction:").parentElement as HTMLElement;
    expect(within(preview).getByText("went").closest("ins")).toBeInTheDocument();
    expect(within(preview).getByText("has").closest("del")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send" }));

    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      {
        msgtype: "m.text",
        body: "Correction: “I went to the park”",
        format: "org.matrix.custom.html",
        formatted_body: "Correction: “I <del>has</del><b>went</b> <del>gone </del>to the park”",
        "m.relates_to": { rel_type: "org.xstream.correction", event_id: eventId },
        "org.xstream.correction": {
          original: "I has gone to the park",
          corrected: "I went to the park",
        },
        "m.mentions": { user_ids: [BOB] },
      },
      "txn1",
    );
    expect(onCancelCorrection).toHaveBeenCalledTimes(1);
  });

  it("asks for a change before sending a correction, and cancels it on request", async () => {
    const { client, user, box, onCancelCorrection } = renderComposer({
      correcting: { eventId: "$x", senderName: "Bob Silva", body: "Perfect sentence." },
    });

    await user.type(box, "{Enter}");
    expect(client.sendMessage).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Change the text to correct it, then send.",
    );

    await user.click(screen.getByRole("button", { name: "Cancel correction" }));
    expect(onCancelCorrection).toHaveBeenCalledTimes(1);
  });

  it("suggests members after @, picks one with the arrow keys, and mentions them", async () => {
    const { client, roomId, user, box } = renderComposer();

    await user.type(box, "Oi @b");
    const listbox = screen.getByRole("listbox", { name: "Mention suggestions" });
    const options = within(listbox).getAllByRole("option");
    // Joined members only, never me; "Carl" has left.
    expect(options.map((option) => option.textContent)).toEqual([
      "BBeatriz Souza@bea:example.org",
      "BBob Silva@bob:example.org",
    ]);
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    expect(box).toHaveAttribute("aria-activedescendant", options[0]?.id);

    await user.keyboard("{ArrowDown}{Enter}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    expect(box).toHaveValue("Oi Bob Silva ");
    expect(client.sendMessage).not.toHaveBeenCalled();

    await user.type(box, "<3{Enter}");
    expect(client.sendMessage).toHaveBeenCalledWith(
      roomId,
      {
        msgtype: "m.text",
        body: "Oi Bob Silva <3",
        format: "org.matrix.custom.html",
        formatted_body: 'Oi <a href="https://matrix.to/#/@bob:example.org">Bob Silva</a> &lt;3',
        "m.mentions": { user_ids: [BOB] },
      },
      "txn1",
    );
  });

  it("picks a suggestion with a click, and closes suggestions with Escape", async () => {
    const { user, box, onCancelReply } = renderComposer({
      replyTo: { eventId: "$q", senderName: "Bob Silva", body: "hi" },
    });

    await user.type(box, "@bea");
    await user.click(screen.getByRole("option", { name: /Beatriz Souza/ }));
    expect(box).toHaveValue("Beatriz Souza ");

    await user.type(box, "@bo");
    expect(screen.getByRole("listbox")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    // The first Escape only closed the suggestions.
    expect(onCancelReply).not.toHaveBeenCalled();
  });

  it("says it is typing once while typing goes on, and stops on send and on blur", async () => {
    const { client, roomId, user, box } = renderComposer();

    await user.type(box, "Hola");
    expect(client.sendTyping.mock.calls).toEqual([[roomId, true, 30000]]);

    await user.type(box, "{Enter}");
    expect(client.sendTyping.mock.calls).toEqual([
      [roomId, true, 30000],
      [roomId, false, 30000],
    ]);

    await user.type(box, "x");
    await user.tab();
    expect(client.sendTyping.mock.calls.slice(2)).toEqual([
      [roomId, true, 30000],
      [roomId, false, 30000],
    ]);

    await user.click(box);
    await user.type(box, "{Backspace}y{Backspace}");
    expect(client.sendTyping.mock.calls.at(-1)).toEqual([roomId, false, 30000]);
  });

  it("leaves a failed send in the timeline as not sent (no error in the composer)", async () => {
    const { client, roomId, user, box } = renderComposer();
    client.offline = true;

    await user.type(box, "queued{Enter}");

    await vi.waitFor(() => expect(client.echoes(roomId)[0]?.status).toBe("not_sent"));
    expect(box).toHaveValue("");
    expect(screen.getByRole("alert")).toBeEmptyDOMElement();
  });

  it("puts the text back and says why when the message could not even be queued", async () => {
    const { client, user, box } = renderComposer();
    client.sendMessage.mockRejectedValueOnce(new Error("Unknown room"));

    await user.type(box, "lost?{Enter}");

    expect(await screen.findByText("Couldn't send your message: Unknown room")).toBeInTheDocument();
    expect(box).toHaveValue("lost?");
  });

  it("sends messages written offline in order once the connection is back", async () => {
    const { client, roomId, user, box } = renderComposer();
    act(() => client.setSyncState("ERROR"));
    client.offline = true;

    await user.type(box, "one{Enter}two{Enter}three{Enter}");
    await vi.waitFor(() =>
      expect(client.echoes(roomId).map((echo) => echo.status)).toEqual([
        "not_sent",
        "not_sent",
        "not_sent",
      ]),
    );

    client.offline = false;
    act(() => client.setSyncState("SYNCING"));

    await vi.waitFor(() =>
      expect(client.delivered.map((content) => content.body)).toEqual(["one", "two", "three"]),
    );
  });

  it("stops listening to the client when it goes away", () => {
    const setup = roomWithBob();
    const { unmount } = render(
      <Composer
        client={setup.client.asClient()}
        roomId={setup.roomId}
        onCancelReply={() => {}}
        onCancelEdit={() => {}}
        onCancelCorrection={() => {}}
      />,
    );
    expect(setup.client.listenerCount()).toBeGreaterThan(0);
    unmount();
    expect(setup.client.listenerCount()).toBe(0);
  });
});

describe("Composer attachments", () => {
  function renderWithUploads(props: Partial<ComposerProps> = {}) {
    const setup = roomWithBob();
    const client = withUploads(setup.client);
    const user = userEvent.setup();
    render(
      <Composer
        client={client.asClient()}
        roomId={setup.roomId}
        onCancelReply={() => {}}
        onCancelEdit={() => {}}
        onCancelCorrection={() => {}}
        {...props}
      />,
    );
    const pick = (...files: File[]) => user.upload(screen.getByLabelText("Files to send"), files);
    return { ...setup, client, user, pick };
  }

  const pdf = (name = "notes.pdf", size = 2000) =>
    new File([new Uint8Array(size)], name, { type: "application/pdf" });

  it("shows a picked file's upload progress, then sends it as a file message", async () => {
    const { client, roomId, pick } = renderWithUploads();
    expect(screen.getByRole("button", { name: "Attach file" })).toBeInTheDocument();

    await pick(pdf());
    const bar = await screen.findByRole("progressbar", { name: "Uploading notes.pdf" });
    expect(bar).toHaveAttribute("aria-valuemin", "0");
    expect(bar).toHaveAttribute("aria-valuemax", "100");

    act(() => client.uploads[0]?.progress(1000));
    expect(bar).toHaveAttribute("aria-valuenow", "50");
    expect(bar).toHaveAttribute("aria-valuetext", "50% of 2 KB");
    expect(screen.getByText("50%")).toBeInTheDocument();

    await act(async () => client.uploads[0]?.finish());
    await vi.waitFor(() =>
      expect(client.sendMessage).toHaveBeenCalledWith(
        roomId,
        {
          msgtype: "m.file",
          body: "notes.pdf",
          filename: "notes.pdf",
          url: "mxc://example.org/upload1",
          info: { mimetype: "application/pdf", size: 2000 },
        },
        "txn1",
      ),
    );
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
  });

  it("cancels an upload midway: the row goes and nothing is sent", async () => {
    const { client, user, pick } = renderWithUploads();
    await pick(pdf("thesis.pdf", 10_000));
    await screen.findByRole("progressbar", { name: "Uploading thesis.pdf" });
    act(() => client.uploads[0]?.progress(4000));

    await user.click(screen.getByRole("button", { name: "Cancel upload of thesis.pdf" }));

    expect(client.uploads[0]?.aborted).toBe(true);
    expect(screen.queryByRole("list", { name: "Uploads" })).not.toBeInTheDocument();
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  it("refuses a file over the server's limit before uploading, and says why", async () => {
    const { client, user, pick } = renderWithUploads();
    client.maxUploadSize = 1000;

    await pick(pdf("scan.pdf", 5000));

    const refusal = await screen.findByText(
      "“scan.pdf” (5 KB) is too large to send: this server accepts files up to 1 KB.",
    );
    expect(refusal.closest("[role=alert]")).not.toBeNull();
    expect(client.uploadContent).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "OK" }));
    expect(screen.queryByText(/too large/)).not.toBeInTheDocument();
  });

  it("keeps a failed upload with Retry and Remove", async () => {
    const { client, user, pick } = renderWithUploads();
    await pick(pdf("a.pdf"));
    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));

    await act(async () => client.uploads[0]?.fail(new Error("Network request failed")));
    expect(await screen.findByText("Not sent: Network request failed")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Retry a.pdf" }));
    await vi.waitFor(() => expect(client.uploads).toHaveLength(2));
    await act(async () => client.uploads[1]?.fail(new Error("Network request failed")));

    await user.click(await screen.findByRole("button", { name: "Remove a.pdf" }));
    expect(screen.queryByText(/Not sent/)).not.toBeInTheDocument();
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  it("sends a pasted file instead of pasting its name", async () => {
    const { client } = renderWithUploads();
    const box = screen.getByRole("textbox", { name: "Message" });

    fireEvent.paste(box, { clipboardData: { files: [pdf("pasted.pdf")] } });

    await vi.waitFor(() => expect(client.uploads[0]?.options.name).toBe("pasted.pdf"));
    expect(box).toHaveValue("");
  });

  it("sends files dropped on the page", async () => {
    const { client } = renderWithUploads();
    const dataTransfer = { types: ["Files"], files: [pdf("dropped.pdf")] };

    fireEvent.dragEnter(document, { dataTransfer });
    expect(screen.getByText("Drop files to send them to this room")).toBeInTheDocument();
    fireEvent.drop(document, { dataTransfer });

    await vi.waitFor(() => expect(client.uploads[0]?.options.name).toBe("dropped.pdf"));
    expect(screen.queryByText("Drop files to send them to this room")).not.toBeInTheDocument();
  });

  it("records a voice message, plays it back with its length, and sends it", async () => {
    const recording = fakeRecordingEnvironment({ durationMs: 2300, waveform: [0.5, 1] });
    const { client, user } = renderWithUploads({ recordingEnvironment: recording.environment });

    await user.click(screen.getByRole("button", { name: "Record voice message" }));
    expect(await screen.findByRole("timer", { name: "Recording time" })).toHaveTextContent("0:00");
    recording.advance(2300);
    await user.click(screen.getByRole("button", { name: "Stop" }));

    expect(await screen.findByLabelText("Your recording")).toHaveAttribute("src", "blob:recording");
    expect(screen.getByText("2 seconds")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send voice message" }));

    await vi.waitFor(() => expect(client.uploads).toHaveLength(1));
    expect(
      screen.getByRole("progressbar", { name: "Uploading Voice message" }),
    ).toBeInTheDocument();
    await act(async () => client.uploads[0]?.finish());
    await vi.waitFor(() => expect(client.sendMessage).toHaveBeenCalledTimes(1));
    expect(client.sendMessage.mock.calls[0]?.[1]).toMatchObject({
      msgtype: "m.audio",
      body: "Voice message",
      info: { mimetype: "audio/webm", duration: 2300 },
      "org.matrix.msc1767.audio": { duration: 2300, waveform: [512, 1024] },
      "org.matrix.msc3245.voice": {},
    });
    expect(screen.getByRole("button", { name: "Record voice message" })).toBeInTheDocument();
  });

  it("discards a recording on Cancel", async () => {
    const recording = fakeRecordingEnvironment({ durationMs: 1000 });
    const { client, user } = renderWithUploads({ recordingEnvironment: recording.environment });

    await user.click(screen.getByRole("button", { name: "Record voice message" }));
    await user.click(await screen.findByRole("button", { name: "Stop" }));
    await screen.findByLabelText("Your recording");
    await user.click(screen.getByRole("button", { name: "Cancel" }));

    expect(screen.queryByLabelText("Your recording")).not.toBeInTheDocument();
    expect(client.uploadContent).not.toHaveBeenCalled();
  });

  it("says so when the microphone is not allowed", async () => {
    const recording = fakeRecordingEnvironment({ denied: true });
    const { user } = renderWithUploads({ recordingEnvironment: recording.environment });

    await user.click(screen.getByRole("button", { name: "Record voice message" }));

    expect(await screen.findByText(/isn't allowed to use your microphone/)).toHaveAttribute(
      "role",
      "alert",
    );
  });
});
