import type { MatrixClient } from "matrix-js-sdk";
import {
  type FormEvent,
  type KeyboardEvent,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { Link } from "../../routing/Link";
import { PATHS } from "../../routing/paths";
import { usePageArrival } from "../../routing/usePageArrival";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import type { RoomMemberView, RoomMessage } from "./roomView";
import { type UseRoom, useRoom } from "./useRoom";
import "./RoomPage.css";

export type RoomPageProps = {
  /** The signed-in Matrix client; null while it connects. */
  client: MatrixClient | null;
  roomId: string;
};

/** A Matrix room: its name, members and live text messages, and a box to write in. */
export function RoomPage({ client, roomId }: RoomPageProps) {
  const room = useRoom(client, roomId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival(room.name ?? "room", headingRef);

  return (
    <>
      <header>
        <h1 className="page-title room-title" ref={headingRef} tabIndex={-1}>
          {room.name ?? "Room"}
        </h1>
      </header>
      {room.status === "joined" ? (
        <div className="room">
          <section className="panel room__conversation" aria-label="Conversation">
            <MessageLog messages={room.messages} />
            <Composer onSend={room.send} error={room.sendError} />
          </section>
          <MemberList members={room.members} />
        </div>
      ) : (
        <section className="panel">
          <RoomStatusNotice room={room} />
        </section>
      )}
    </>
  );
}

function RoomStatusNotice({ room }: { room: UseRoom }) {
  switch (room.status) {
    case "connecting":
      return <p role="status">Connecting to Matrix…</p>;
    case "waiting":
      return (
        <p role="status">
          Waiting for your invitation to this room. It arrives a few seconds after a request is
          accepted.
        </p>
      );
    case "joining":
      return <p role="status">Joining the room…</p>;
    case "joinFailed":
      return (
        <div className="load-failed" role="alert">
          <p>{room.joinError}</p>
          <Button variant="secondary" onClick={room.retryJoin}>
            Try again
          </Button>
        </div>
      );
    case "notMember":
      return (
        <p role="status">
          You are not in this room. Your rooms with partners are under{" "}
          <Link to={PATHS.partners}>Partners</Link>.
        </p>
      );
    case "joined":
      return null;
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

function MessageLog({ messages }: { messages: RoomMessage[] }) {
  const log = useRef<HTMLDivElement>(null);
  const lastId = messages.at(-1)?.id;

  // Keep the newest message in view as messages arrive.
  useLayoutEffect(() => {
    if (lastId === undefined) return;
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lastId]);

  return (
    // A log: screen readers announce new messages as they arrive.
    <div className="room__log" role="log" aria-label="Messages" ref={log}>
      {messages.length === 0 ? (
        <p className="room__empty">No messages yet. Say hello!</p>
      ) : (
        <ol className="messages">
          {messages.map((message) => (
            <li
              key={message.id}
              className={[
                "message",
                `message--${message.kind}`,
                message.own && "message--own",
                message.delivery !== "sent" && `message--${message.delivery}`,
              ]
                .filter(Boolean)
                .join(" ")}
            >
              <div className="message__meta">
                <span className="message__sender">{message.senderName}</span>
                <time dateTime={new Date(message.timestamp).toISOString()}>
                  {timeFormat.format(message.timestamp)}
                </time>
                {message.delivery === "sending" && <span>Sending…</span>}
                {message.delivery === "failed" && <span className="message__failed">Not sent</span>}
              </div>
              {/* Plain text only: React escapes it, and formatted (HTML) bodies are ignored. */}
              <p className="message__body">
                {message.kind === "emote" ? `${message.senderName} ${message.body}` : message.body}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function Composer({
  onSend,
  error,
}: {
  onSend: (text: string) => Promise<boolean>;
  error: string | null;
}) {
  const id = useId();
  const [text, setText] = useState("");

  async function send() {
    const sending = text;
    if (sending.trim() === "") return;
    // Cleared at once, like any chat; put back if it could not be sent and nothing new was typed.
    setText("");
    const sent = await onSend(sending);
    if (!sent) setText((current) => (current === "" ? sending : current));
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter starts a new line; not while an input method is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void send();
  }

  return (
    <form className="composer" onSubmit={handleSubmit}>
      <div className="composer__row">
        <label htmlFor={id} className="visually-hidden">
          Message
        </label>
        <textarea
          id={id}
          className="field__input composer__input"
          rows={1}
          placeholder="Write a message…"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={handleKeyDown}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <Button type="submit" disabled={text.trim() === ""}>
          Send
        </Button>
      </div>
      <p id={`${id}-error`} className="field__error composer__error live-region" role="alert">
        {error}
      </p>
    </form>
  );
}

function MemberList({ members }: { members: RoomMemberView[] }) {
  const id = useId();
  return (
    <aside className="panel room__members" aria-labelledby={id}>
      <h2 id={id} className="panel__title">
        Members
      </h2>
      <ul className="members">
        {members.map((member) => (
          <li key={member.userId} className="member">
            <Avatar name={member.displayName} size={28} />
            <span className="member__text">
              <span className="member__name">{member.displayName}</span>
              <code className="matrix-id">{member.userId}</code>
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
