import { isMatrixUserId } from "../../matrix/userIds";

/** What the "New group" form holds, as typed. */
export type NewGroupDraft = { name: string; topic: string; invites: string };

/** A validated group, ready for `createRoom`. */
export type NewGroup = { name: string; topic: string | null; invite: string[] };

export type NewGroupErrors = { name?: string; invites?: string };

/** Checks the form: a name is required; invites are comma-separated Matrix IDs. */
export function validateNewGroup(
  draft: NewGroupDraft,
  myUserId: string | null,
): { group: NewGroup } | { errors: NewGroupErrors } {
  const errors: NewGroupErrors = {};
  const name = draft.name.trim();
  if (name === "") errors.name = "Give the group a name.";
  const invite = [
    ...new Set(
      draft.invites
        .split(/[,\s]+/)
        .map((id) => id.trim())
        .filter((id) => id !== "" && id !== myUserId),
    ),
  ];
  const wrong = invite.filter((id) => !isMatrixUserId(id));
  if (wrong.length > 0) {
    errors.invites = `${wrong.map((id) => `"${id}"`).join(", ")} ${
      wrong.length === 1 ? "is not a Matrix ID" : "are not Matrix IDs"
    }. Use the form @name:server.`;
  }
  if (errors.name || errors.invites) return { errors };
  const topic = draft.topic.trim();
  return { group: { name, topic: topic === "" ? null : topic, invite } };
}
