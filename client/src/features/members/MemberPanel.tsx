import { type ReactNode, useId, useState } from "react";
import { Avatar } from "../../ui/Avatar";
import { ConfirmDialog } from "../../ui/ConfirmDialog";
import { TextField } from "../../ui/TextField";
import { PeoplePicker, type UsePeopleSearch } from "../search";
import type { MemberView } from "./roster";
import type { UseMembers } from "./useMembers";
import "./MemberPanel.css";

export type MemberPanelProps = {
  members: UseMembers;
  /** Finds people to invite (by name in the user directory, or by full Matrix ID). */
  peopleSearch: UsePeopleSearch;
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
  peopleSearch,
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
      {members.canInvite && <InviteForm invite={members.invite} search={peopleSearch} />}
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

function InviteForm({
  invite,
  search,
}: {
  invite: (userId: string) => Promise<string | null>;
  search: UsePeopleSearch;
}) {
  return (
    <div className="invite-form">
      <PeoplePicker
        search={search}
        label="Invite people"
        action="Invite"
        onPick={async (person) => {
          const problem = await invite(person.userId);
          return problem ? { error: problem } : { done: `Invited ${person.displayName}.` };
        }}
      />
    </div>
  );
}
