import type { MatrixClient } from "matrix-js-sdk";
import { memo, type ReactNode, useCallback, useId, useRef, useState } from "react";
import { eventByRowKey } from "../../matrix/pendingEvents";
import { useViewedRoom } from "../../matrix/useMatrixClient";
import { Link } from "../../routing/Link";
import { PATHS } from "../../routing/paths";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { CallButtons } from "../calls";
import { Composer, PendingMessageActions } from "../composer";
import { ExchangePanel, ExchangeTimerLine, type FetchExchangePeople } from "../exchange";
import type { MemberView } from "../members";
import { MemberPanel, useMembers } from "../members";
import { RoomNotificationSelect } from "../notifications";
import { PresenceAvatar, usePresence } from "../presence";
import { usePeopleSearch, useRevealEvent } from "../search";
import type { MessageRef } from "../timeline";
import { Timeline, useTimeline } from "../timeline";
import { bridgeExchangePeople, useRoomExchange } from "./exchangePlacement";
import { type UseRoom, useRoom } from "./useRoom";
import "./RoomPage.css";

export type RoomPageProps = {
  /** The signed-in Matrix client; null while it connects. */
  client: MatrixClient | null;
  roomId: string;
  /** A message to open the room at (from a search result). */
  eventId?: string | null;
  /** Asks the bridge about the partners for the exchange panel; tests pass a fake. */
  fetchExchangePeople?: FetchExchangePeople;
};

/** A Matrix room: its name, members and timeline, who is typing, and a box to write in. */
export function RoomPage({
  client,
  roomId,
  eventId = null,
  fetchExchangePeople = bridgeExchangePeople,
}: RoomPageProps) {
  useViewedRoom(roomId);
  const room = useRoom(client, roomId);
  const members = useMembers(client, roomId);
  const peopleSearch = usePeopleSearch(client);
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
      const matrixRoom = client?.getRoom(roomId);
      const event = matrixRoom ? eventByRowKey(matrixRoom, messageKey) : undefined;
      return client && event ? (
        <PendingMessageActions client={client} event={event} roomId={roomId} />
      ) : null;
    },
    [client, roomId],
  );
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival(room.name ?? "room", headingRef);
  const partnerPresence = usePresence(client, room.partner?.userId ?? null);
  // No crypto on the client: its encryption could not start in this tab (the banner says why).
  const encryptionMissing = room.encrypted && client !== null && !client.getCrypto();
  const exchange = useRoomExchange(
    client,
    roomId,
    room.status === "joined" && room.partnerRoom,
    fetchExchangePeople,
  );
  const exchangePanelId = useId();

  return (
    <>
      <header className="room-header">
        {room.partner && (
          <PresenceAvatar
            name={room.partner.displayName}
            mxcUrl={room.partner.avatarMxc}
            size={44}
            presence={partnerPresence?.state ?? null}
          />
        )}
        <div className="room-header__text">
          <h1 className="page-title room-title" ref={headingRef} tabIndex={-1}>
            {room.name ?? "Room"}
          </h1>
          {(partnerPresence || room.encrypted || exchange.model) && (
            <p className="room-header__details">
              {partnerPresence && (
                <span className={`presence-text presence-text--${partnerPresence.state}`}>
                  {partnerPresence.label}
                </span>
              )}
              {room.encrypted && (
                <span className="room-encrypted" title="Messages here are end-to-end encrypted">
                  <LockIcon />
                  Encrypted
                </span>
              )}
              {exchange.model && <ExchangeTimerLine model={exchange.model} />}
            </p>
          )}
        </div>
        {client && room.status === "joined" && (
          <RoomNotificationSelect client={client} roomId={roomId} />
        )}
        {client && room.status === "joined" && <CallButtons client={client} roomId={roomId} />}
        {exchange.model && (
          <Button
            variant="secondary"
            className="room-header__exchange"
            aria-expanded={exchange.open}
            aria-controls={exchange.open ? exchangePanelId : undefined}
            onClick={exchange.toggle}
          >
            Exchange
          </Button>
        )}
      </header>
      {room.status === "joined" ? (
        <div className={exchange.open ? "room room--exchange" : "room"}>
          <section className="panel room__conversation" aria-label="Conversation">
            {encryptionMissing && (
              <p className="notice notice--error">
                This chat is end-to-end encrypted, and encryption is not working in this tab: new
                messages can't be read or sent here.
              </p>
            )}
            <RoomTimeline
              client={client}
              roomId={roomId}
              eventId={eventId}
              myUserId={myUserId}
              myName={myName}
              onReply={setReplyTo}
              onEdit={edit}
              onCorrect={setCorrecting}
              renderUnsentActions={renderUnsentActions}
            />
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
          {exchange.open && exchange.model ? (
            <aside id={exchangePanelId} className="panel room__exchange" aria-label="Exchange">
              {/* The header's timer line says the language switches aloud. */}
              <ExchangePanel model={exchange.model} announce={false} />
            </aside>
          ) : (
            <MemberPanel
              members={members}
              peopleSearch={peopleSearch}
              renderAvatar={(member) => <MemberAvatar client={client} member={member} />}
              renderStatus={(member) => <MemberPresence client={client} member={member} />}
            />
          )}
        </div>
      ) : (
        <section className="panel">
          <RoomStatusNotice room={room} />
        </section>
      )}
    </>
  );
}

type RoomTimelineProps = {
  client: MatrixClient | null;
  roomId: string;
  eventId: string | null;
  myUserId: string;
  myName: string;
  onReply: (message: MessageRef) => void;
  onEdit: (message: MessageRef) => void;
  onCorrect: (message: MessageRef) => void;
  renderUnsentActions: (messageKey: string) => ReactNode;
};

/**
 * The messages and who is typing. Their own component, so a new message renders the timeline
 * alone, not the header, the composer and the member list around it.
 */
const RoomTimeline = memo(function RoomTimeline({
  client,
  roomId,
  eventId,
  ...timelineProps
}: RoomTimelineProps) {
  const timeline = useTimeline(client, roomId);
  const reveal = useRevealEvent(timeline, eventId);
  return (
    <>
      {reveal === "loading" && <p role="status">Finding the message…</p>}
      {reveal === "notFound" && (
        <p className="notice" role="status">
          That message is no longer in this room's history.
        </p>
      )}
      <Timeline
        timeline={timeline}
        highlightEventId={reveal === "notFound" ? null : eventId}
        {...timelineProps}
      />
      <p className="typing-line" aria-live="polite">
        {timeline.typing}
      </p>
    </>
  );
});

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

/** A member's avatar with their presence dot. */
function MemberAvatar({ client, member }: { client: MatrixClient | null; member: MemberView }) {
  const presence = usePresence(client, member.userId);
  return <PresenceAvatar name={member.displayName} size={28} presence={presence?.state ?? null} />;
}

/** Their presence in words: the dot is colour only. */
function MemberPresence({ client, member }: { client: MatrixClient | null; member: MemberView }) {
  const presence = usePresence(client, member.userId);
  return presence && <span className="visually-hidden">, {presence.label}</span>;
}

/** A small padlock, beside the word "Encrypted" (so decorative). */
function LockIcon() {
  return (
    <svg
      className="room-encrypted__icon"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
    >
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1.5 1.5 0 0 0-1.5 1.5v5A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-5A1.5 1.5 0 0 0 12 7h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 6H6V4.5a2 2 0 1 1 4 0V7Z"
      />
    </svg>
  );
}
