import { type FormEvent, type ReactNode, useId, useState } from "react";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { ConfirmDialog } from "../../ui/ConfirmDialog";
import { TextField } from "../../ui/TextField";
import type { MemberView } from "./roster";
import type { UseMembers } from "./useMembers";
import "./MemberPanel.css";

export type MemberPanelProps = {
  members: UseMembers;
  /** How to draw a member's picture; defaults to the plain avatar (e.g. to add presence). */
  renderAvatar?: (member: MemberView) => ReactNode;
  /** Words said after the name, e.g. their presence for screen readers. */
  renderStatus?: (member: MemberView) => ReactNode;
};

const plainAvatar = (member: MemberView) => <Avatar name={member.displayName} size={28} />;

/**
 * The room's people: who is in, who is invited, with Remove where the power levels allow it, and
 * an invite form for those who may invite.
 */
export function MemberPanel({
  members,
  renderAvatar = plainAvatar,
  renderStatus,
}: MemberPanelProps) {
  const titleId = useId();
  const invitedId = useId();
  const [removing, setRemoving] = useState<{ member: MemberView; invited: boolean } | null>(null);
  const [reason, setReason] = useState("");

  const row = (member: MemberView, invited: boolean) => (
    <li key={member.userId} className="member">
      {renderAvatar(member)}
      <span className="member__text">
        <span className="member__name">
          {member.displayName}
          {member.role && <span className="member__role">{member.role}</span>}
          {renderStatus?.(member)}
        </span>
        <code className="matrix-id">{member.userId}</code>
      </span>
      {member.canRemove && (
        <button
          type="button"
          className="member__remove"
          aria-label={
            invited ? `Withdraw invite to ${member.displayName}` : `Remove ${member.displayName}`
          }
          onClick={() => {
            setReason("");
            setRemoving({ member, invited });
          }}
        >
          {invited ? "Withdraw" : "Remove"}
        </button>
      )}
    </li>
  );

  return (
    <aside className="panel room__members" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Members <span className="member-count">({members.joined.length})</span>
      </h2>
      <ul className="members" aria-labelledby={titleId}>
        {members.joined.map((member) => row(member, false))}
      </ul>
      {members.invited.length > 0 && (
        <>
          <h3 id={invitedId} className="members__subtitle">
            Invited
          </h3>
          <ul className="members" aria-labelledby={invitedId}>
            {members.invited.map((member) => row(member, true))}
          </ul>
        </>
      )}
      {members.canInvite && <InviteForm invite={members.invite} />}
      {removing && (
        <ConfirmDialog
          title={
            removing.invited
              ? `Withdraw the invite to ${removing.member.displayName}?`
              : `Remove ${removing.member.displayName} from the room?`
          }
          confirmLabel={removing.invited ? "Withdraw invite" : "Remove"}
          pendingLabel={removing.invited ? "Withdrawing…" : "Removing…"}
          onConfirm={() => members.remove(removing.member.userId, reason)}
          onClose={() => setRemoving(null)}
        >
          <p>
            {removing.invited
              ? "They will no longer be able to join unless invited again."
              : "They can come back only if someone invites them again."}
          </p>
          <TextField
            label="Reason (optional)"
            value={reason}
            maxLength={300}
            onChange={(event) => setReason(event.target.value)}
          />
        </ConfirmDialog>
      )}
    </aside>
  );
}

function InviteForm({ invite }: { invite: (userId: string) => Promise<string | null> }) {
  const [userId, setUserId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const target = userId.trim();
    setPending(true);
    setError(null);
    setDone(null);
    const problem = await invite(target);
    setPending(false);
    if (problem) {
      setError(problem);
    } else {
      setDone(`Invited ${target}.`);
      setUserId("");
    }
  }

  return (
    <form className="invite-form" onSubmit={(event) => void submit(event)} noValidate>
      <TextField
        label="Invite by Matrix ID"
        placeholder="@name:server"
        autoComplete="off"
        spellCheck={false}
        value={userId}
        error={error ?? undefined}
        onChange={(event) => setUserId(event.target.value)}
      />
      <Button type="submit" variant="secondary" disabled={pending || userId.trim() === ""}>
        {pending ? "Inviting…" : "Invite"}
      </Button>
      <p className="invite-form__done live-region" role="status">
        {done}
      </p>
    </form>
  );
}
