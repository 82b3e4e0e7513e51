import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useId, useRef, useState } from "react";
import { Link } from "../../routing/Link";
import { PATHS } from "../../routing/paths";
import { usePageArrival } from "../../routing/usePageArrival";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { Composer } from "../composer/Composer";
import { PendingMessageActions } from "../composer/PendingMessageActions";
import type { MessageRef } from "../timeline/MessageTile";
import { Timeline } from "../timeline/Timeline";
import { useTimeline } from "../timeline/useTimeline";
import type { RoomMemberView } from "./roomView";
import { type UseRoom, useRoom } from "./useRoom";
import "./RoomPage.css";

export type RoomPageProps = {
  /** The signed-in Matrix client; null while it connects. */
  client: MatrixClient | null;
  roomId: string;
};

/** A Matrix room: its name, members and timeline, who is typing, and a box to write in. */
export function RoomPage({ client, roomId }: RoomPageProps) {
  const room = useRoom(client, roomId);
  const timeline = useTimeline(client, roomId);
  const myUserId = client?.getUserId() ?? "";
  const myName = room.members.find((member) => member.userId === myUserId)?.displayName ?? "";
  // What the composer is doing besides writing a new message; set from a message's actions.
  const [replyTo, setReplyTo] = useState<MessageRef | null>(null);
  const [editing, setEditing] = useState<{ eventId: string; body: string } | null>(null);
  const [correcting, setCorrecting] = useState<MessageRef | null>(null);
  const edit = useCallback((message: MessageRef) => {
    setEditing({ eventId: message.eventId, body: message.body });
  }, []);
  const renderUnsentActions = useCallback(
    (messageKey: string) => {
      const event = client
        ?.getRoom(roomId)
        ?.getLiveTimeline()
        .getEvents()
        .find((candidate) => (candidate.getId() ?? candidate.getTxnId()) === messageKey);
      return client && event ? (
        <PendingMessageActions client={client} event={event} roomId={roomId} />
      ) : null;
    },
    [client, roomId],
  );
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
            <Timeline
              timeline={timeline}
              myUserId={myUserId}
              myName={myName}
              onReply={setReplyTo}
              onEdit={edit}
              onCorrect={setCorrecting}
              renderUnsentActions={renderUnsentActions}
            />
            <p className="typing-line" aria-live="polite">
              {timeline.typing}
            </p>
            {client && (
              <Composer
                client={client}
                roomId={roomId}
                replyTo={replyTo}
                editing={editing}
                correcting={correcting}
                onCancelReply={() => setReplyTo(null)}
                onCancelEdit={() => setEditing(null)}
                onCancelCorrection={() => setCorrecting(null)}
              />
            )}
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
