import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../../ui/ConfirmDialog";
import { Dialog } from "../../ui/Dialog";
import { DialogActions } from "../../ui/DialogActions";
import { TextField } from "../../ui/TextField";
import { type NewGroup, type NewGroupErrors, validateNewGroup } from "./newGroup";
import type { RoomListEntry } from "./roomSummary";

/** Asks before leaving a room. `onLeave` resolves to an error message, or null once left. */
export function LeaveRoomDialog({
  room,
  onClose,
  onLeave,
}: {
  room: RoomListEntry;
  onClose: () => void;
  onLeave: () => Promise<string | null>;
}) {
  return (
    <ConfirmDialog
      title={`Leave ${room.name}?`}
      confirmLabel="Leave"
      pendingLabel="Leaving…"
      onConfirm={onLeave}
      onClose={onClose}
    >
      <p>
        {room.direct
          ? `You will no longer get messages from ${room.name} here.`
          : "You will no longer get this group's messages."}{" "}
        To come back, someone in the room has to invite you again.
      </p>
    </ConfirmDialog>
  );
}

/** A private group: its name, an optional topic and people to invite. */
export function NewGroupDialog({
  myUserId,
  onClose,
  onCreate,
  onCreated,
}: {
  myUserId: string | null;
  onClose: () => void;
  /** Resolves to the new room's id; rejects with a message for people. */
  onCreate: (group: NewGroup) => Promise<string>;
  onCreated: (roomId: string) => void;
}) {
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [invites, setInvites] = useState("");
  const [errors, setErrors] = useState<NewGroupErrors>({});
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const checked = validateNewGroup({ name, topic, invites }, myUserId);
    if ("errors" in checked) {
      setErrors(checked.errors);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const roomId = await onCreate(checked.group);
      onCreated(roomId);
    } catch (cause) {
      setPending(false);
      setError(cause instanceof Error ? cause.message : String(cause));
    }
  }

  return (
    <Dialog title="New group" onClose={onClose}>
      <form className="new-group-form" noValidate onSubmit={submit}>
        <TextField
          label="Name"
          required
          maxLength={255}
          value={name}
          error={errors.name}
          onChange={(event) => {
            setName(event.target.value);
            setErrors(({ name: _fixed, ...rest }) => rest);
          }}
        />
        <TextField
          label="Topic"
          hint="Optional: what the group is about."
          value={topic}
          onChange={(event) => setTopic(event.target.value)}
        />
        <TextField
          label="Invite people"
          hint="Matrix IDs separated by commas, e.g. @bob:example.org"
          autoComplete="off"
          spellCheck={false}
          value={invites}
          error={errors.invites}
          onChange={(event) => {
            setInvites(event.target.value);
            setErrors(({ invites: _fixed, ...rest }) => rest);
          }}
        />
        <DialogActions
          error={error}
          onCancel={onClose}
          actionLabel="Create group"
          pendingLabel="Creating…"
          pending={pending}
        />
      </form>
    </Dialog>
  );
}
