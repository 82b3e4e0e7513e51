import type { MatrixClient } from "matrix-js-sdk";
import { type KeyboardEvent, type ReactNode, useCallback, useId, useRef, useState } from "react";
import type { ListPreview } from "../../matrix/slidingPreview";
import { Link } from "../../routing/Link";
import { PATHS, roomPath } from "../../routing/paths";
import { navigate } from "../../routing/router";
import { usePageArrival } from "../../routing/usePageArrival";
import { Button } from "../../ui/Button";
import { Loading } from "../../ui/LoadState";
import { NewChatDialog } from "../search";
import { LeaveRoomDialog, NewGroupDialog } from "./RoomListDialogs";
import { InviteItem, RoomListItem } from "./RoomListItems";
import type { RoomListEntry } from "./roomSummary";
import { type UseRoomList, useRoomList } from "./useRoomList";
import "./ChatsPage.css";

export type ChatsPageProps = {
  /** The signed-in Matrix client; null while it connects. */
  client: MatrixClient | null;
  /** Whose room list this browser kept, to show until the client has synced. */
  cachedFor?: string | null;
  /** The first rooms from the sliding sync preview, to show until the client has synced. */
  preview?: ListPreview | null;
  /** The current time, for "14:05" / "Mon" beside each room; tests pin it. */
  now?: () => number;
};

/** The times beside the rooms show minutes at most. */
const MINUTE = 60_000;

type OpenDialog =
  | { kind: "newGroup" }
  | { kind: "newChat" }
  | { kind: "leave"; room: RoomListEntry }
  | null;

/** The person's chats: invites, direct rooms and groups, a filter, and a new group. */
export function ChatsPage({
  client,
  cachedFor = null,
  preview = null,
  now = Date.now,
}: ChatsPageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  usePageArrival("chats", headingRef);
  const list = useRoomList(client, cachedFor, preview);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const close = () => setDialog(null);
  // Both stay the same from one update to the next, so only the rooms that changed re-render.
  const onLeave = useCallback((room: RoomListEntry) => setDialog({ kind: "leave", room }), []);
  const minute = Math.floor(now() / MINUTE) * MINUTE;

  return (
    <>
      <header className="chats-header">
        <div>
          <h1 className="page-title" ref={headingRef} tabIndex={-1}>
            Chats
          </h1>
          <p className="page-lead">Your conversations with partners and groups.</p>
        </div>
        <div className="chats-header__actions">
          <Button onClick={() => setDialog({ kind: "newChat" })} disabled={!client}>
            New chat
          </Button>
          <Button
            variant="secondary"
            onClick={() => setDialog({ kind: "newGroup" })}
            disabled={!client}
          >
            New group
          </Button>
        </div>
      </header>

      <p className="notice notice--error live-region" role="alert">
        {list.error}
      </p>

      {list.status === "connecting" ? (
        <Loading label="Connecting to Matrix…" />
      ) : (
        <RoomList list={list} now={minute} onLeave={onLeave} />
      )}

      {dialog?.kind === "newGroup" && (
        <NewGroupDialog
          myUserId={client?.getUserId() ?? null}
          onClose={close}
          onCreate={list.createGroup}
          onCreated={(roomId) => {
            close();
            navigate(roomPath(roomId));
          }}
        />
      )}
      {dialog?.kind === "newChat" && (
        <NewChatDialog
          client={client}
          onClose={close}
          onOpened={(roomId) => {
            close();
            navigate(roomPath(roomId));
          }}
        />
      )}
      {dialog?.kind === "leave" && (
        <LeaveRoomDialog
          room={dialog.room}
          onClose={close}
          onLeave={() => list.leave(dialog.room.roomId)}
        />
      )}
    </>
  );
}

/** Up and Down (Home, End) move between the room links, across sections. */
function moveBetweenRooms(event: KeyboardEvent<HTMLElement>) {
  const keys = ["ArrowDown", "ArrowUp", "Home", "End"];
  if (!keys.includes(event.key) || !(event.target instanceof HTMLElement)) return;
  if (!event.target.hasAttribute("data-room-link")) return;
  const links = [...event.currentTarget.querySelectorAll<HTMLElement>("[data-room-link]")];
  const index = links.indexOf(event.target);
  const next =
    event.key === "Home"
      ? links[0]
      : event.key === "End"
        ? links.at(-1)
        : links[index + (event.key === "ArrowDown" ? 1 : -1)];
  if (!next) return;
  event.preventDefault();
  next.focus();
}

function RoomList({
  list,
  now,
  onLeave,
}: {
  list: UseRoomList;
  now: number;
  onLeave: (room: RoomListEntry) => void;
}) {
  const filterId = useId();
  const filtering = list.filter.trim() !== "";
  const shown = list.invites.length + list.direct.length + list.groups.length;

  if (list.total === 0) {
    return (
      <section className="panel chats-empty" aria-label="No chats">
        <p className="chats-empty__title">No chats yet</p>
        <p>
          When you and a partner connect, your room with them appears here. You can also start a
          group.
        </p>
        <Link to={PATHS.findPartners}>Find partners</Link>
      </section>
    );
  }

  const rooms = (entries: RoomListEntry[]) =>
    entries.map((room) => (
      <RoomListItem
        key={room.roomId}
        room={room}
        now={now}
        leaving={list.pending[room.roomId] === "leaving"}
        onLeave={onLeave}
      />
    ));

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys only add to Tab, which works everywhere in here.
    <div className="panel chats" onKeyDown={moveBetweenRooms}>
      <div className="chats__filter">
        <label htmlFor={filterId} className="visually-hidden">
          Filter rooms by name
        </label>
        <input
          id={filterId}
          type="search"
          className="field__input"
          placeholder="Filter rooms by name"
          autoComplete="off"
          value={list.filter}
          onChange={(event) => list.setFilter(event.target.value)}
        />
      </div>

      {filtering && shown === 0 ? (
        <p className="chats__empty" role="status">
          No rooms match “{list.filter.trim()}”.
        </p>
      ) : (
        <>
          {list.invites.length > 0 && (
            <RoomSection title="Invites" count={list.invites.length}>
              {list.invites.map((invite) => (
                <InviteItem
                  key={invite.roomId}
                  invite={invite}
                  pending={list.pending[invite.roomId]}
                  onAccept={list.accept}
                  onDecline={list.decline}
                />
              ))}
            </RoomSection>
          )}
          <RoomSection
            title="Direct messages"
            count={list.direct.length}
            empty={filtering ? "No direct messages match." : "No direct messages yet."}
          >
            {rooms(list.direct)}
          </RoomSection>
          <RoomSection
            title="Groups"
            count={list.groups.length}
            empty={filtering ? "No groups match." : "No groups yet."}
          >
            {rooms(list.groups)}
          </RoomSection>
        </>
      )}
    </div>
  );
}

function RoomSection({
  title,
  count,
  empty,
  children,
}: {
  title: string;
  count: number;
  empty?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="chats__section" aria-labelledby={id}>
      <h2 id={id} className="chats__section-title">
        {title}
      </h2>
      {count === 0 ? (
        <p className="chats__empty">{empty}</p>
      ) : (
        // An explicit role: Safari drops the list role when list-style is none.
        // biome-ignore lint/a11y/noRedundantRoles: see above.
        <ul role="list" className="room-items" aria-labelledby={id}>
          {children}
        </ul>
      )}
    </section>
  );
}
