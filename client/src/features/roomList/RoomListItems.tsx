import { memo, useId } from "react";
import { Link } from "../../routing/Link";
import { roomPath } from "../../routing/paths";
import { PictureOrInitials } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { formatActivityTime } from "./activityTime";
import type { RoomAction } from "./RoomListViewModel";
import type { InviteEntry, RoomListEntry } from "./roomSummary";

/** The room's picture, or its initials. */
function RoomAvatar({ initials, mxcUrl }: { initials: string; mxcUrl: string | null }) {
  return (
    <span className="room-avatar" aria-hidden="true">
      <PictureOrInitials mxcUrl={mxcUrl} fallback={initials} />
    </span>
  );
}

/**
 * One joined room: a link to it (name, latest message, time, unread badges) and "Leave".
 * Memoised: the list keeps each room's entry until that room changes, so an update re-renders
 * only the rooms it touched, not all of a long list.
 */
export const RoomListItem = memo(function RoomListItem({
  room,
  now,
  leaving,
  onLeave,
}: {
  room: RoomListEntry;
  now: number;
  leaving: boolean;
  onLeave: (room: RoomListEntry) => void;
}) {
  const id = useId();
  const unread = room.unread > 0 || room.mentions > 0;
  return (
    <li className={unread ? "room-item room-item--unread" : "room-item"}>
      <Link
        to={roomPath(room.roomId)}
        className="room-item__link"
        aria-label={room.label}
        aria-describedby={`${id}-preview`}
        data-room-link=""
      >
        <RoomAvatar initials={room.initials} mxcUrl={room.avatarUrl} />
        <span className="room-item__body">
          <span className="room-item__top">
            <span className="room-item__name">{room.name}</span>
            {room.lastActivity !== null && (
              <time
                className="room-item__time"
                dateTime={new Date(room.lastActivity).toISOString()}
              >
                {formatActivityTime(room.lastActivity, now)}
              </time>
            )}
          </span>
          <span className="room-item__bottom">
            <span id={`${id}-preview`} className="room-item__preview">
              {room.preview ?? "No messages yet"}
            </span>
            {room.mentions > 0 && (
              <span className="badge badge--mention" aria-hidden="true" title="Mentions you">
                @{room.mentions}
              </span>
            )}
            {room.unread > 0 && (
              <span className="badge" aria-hidden="true">
                {room.unread}
              </span>
            )}
          </span>
        </span>
      </Link>
      <Button
        variant="secondary"
        className="room-item__leave"
        aria-label={`Leave ${room.name}`}
        disabled={leaving}
        onClick={() => onLeave(room)}
      >
        {leaving ? "Leaving…" : "Leave"}
      </Button>
    </li>
  );
});

/** One invite: who it is from, and "Accept" / "Decline". */
export function InviteItem({
  invite,
  pending,
  onAccept,
  onDecline,
}: {
  invite: InviteEntry;
  pending: RoomAction | undefined;
  onAccept: (roomId: string) => void;
  onDecline: (roomId: string) => void;
}) {
  const from = invite.inviterName ? `Invited by ${invite.inviterName}` : "Invited";
  return (
    <li className="invite-item">
      <RoomAvatar initials={invite.initials} mxcUrl={invite.avatarUrl} />
      <span className="invite-item__body">
        <span className="room-item__name">{invite.name}</span>
        <span className="invite-item__from">{invite.direct ? `Direct chat · ${from}` : from}</span>
      </span>
      <span className="invite-item__actions">
        <Button
          aria-label={`${pending === "accepting" ? "Accepting" : "Accept"} invite to ${invite.name}`}
          disabled={pending !== undefined}
          onClick={() => onAccept(invite.roomId)}
        >
          {pending === "accepting" ? "Accepting…" : "Accept"}
        </Button>
        <Button
          variant="secondary"
          aria-label={`${pending === "declining" ? "Declining" : "Decline"} invite to ${invite.name}`}
          disabled={pending !== undefined}
          onClick={() => onDecline(invite.roomId)}
        >
          {pending === "declining" ? "Declining…" : "Decline"}
        </Button>
      </span>
    </li>
  );
}
