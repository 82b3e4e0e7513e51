import { namesList, type Person } from "./people";

/** One reaction key under a message: who chose it, and our own reaction's event if we did. */
export type ReactionGroup = {
  key: string;
  senders: Person[];
  /** Our reaction's event id; "pending" while it is being sent; null if we did not react. */
  mine: string | null;
};

/** An `m.reaction` annotation, as the timeline has it. */
export type ReactionInput = {
  targetId: string;
  key: string;
  sender: Person;
  /** Null while our own reaction is being sent. */
  eventId: string | null;
};

/**
 * Groups a message's reactions by key, in the order the keys first appeared, counting each person
 * once per key (clients may send duplicates).
 */
export function aggregateReactions(reactions: ReactionInput[], myUserId: string): ReactionGroup[] {
  const groups = new Map<string, ReactionGroup>();
  for (const reaction of reactions) {
    const group = groups.get(reaction.key) ?? { key: reaction.key, senders: [], mine: null };
    groups.set(reaction.key, group);
    if (group.senders.some((sender) => sender.userId === reaction.sender.userId)) continue;
    group.senders.push(reaction.sender);
    if (reaction.sender.userId === myUserId) group.mine = reaction.eventId ?? "pending";
  }
  return [...groups.values()];
}

/** "👍 2 reactions from Ana and Ben". */
export function reactionLabel(group: ReactionGroup, myUserId: string): string {
  const count = group.senders.length;
  const names = group.senders.map((sender) => (sender.userId === myUserId ? "you" : sender.name));
  return `${group.key} ${count} ${count === 1 ? "reaction" : "reactions"} from ${namesList(names)}`;
}

/** What clicking a reaction does: add ours, or take ours back. */
export type ReactionToggle =
  | { action: "send"; key: string }
  | { action: "redact"; eventId: string }
  | { action: "wait" };

export function reactionToggle(groups: ReactionGroup[], key: string): ReactionToggle {
  const mine = groups.find((group) => group.key === key)?.mine ?? null;
  if (mine === null) return { action: "send", key };
  if (mine === "pending") return { action: "wait" };
  return { action: "redact", eventId: mine };
}
