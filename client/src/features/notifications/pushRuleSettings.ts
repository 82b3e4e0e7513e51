import type {
  ConditionKind,
  IPushRule,
  IPushRules,
  PushRuleAction,
  PushRuleActionName,
  PushRuleKind,
  TweakName,
} from "matrix-js-sdk";
import { sdkValue } from "../../matrix/sdkValues";

/**
 * The notification choices the settings offer, kept as the learner's Matrix push rules in the
 * shapes Element Web writes, so Element (and Synapse's own push and email) shows the same choice:
 *
 * - globally, "all messages" and "mentions only" are the actions of the underride rules for
 *   messages in one-to-one and group rooms (encrypted or not), and "off" is the master rule
 *   switched on;
 * - per room, "mentions only" is a `room` rule named after the room that does not notify, "off"
 *   an `override` rule named after the room matching its `room_id`, and "all messages" a `room`
 *   rule that notifies; "default" has neither, so the global choice applies.
 */
export type NotificationLevel = "all" | "mentions" | "off";
export type RoomNotificationLevel = "default" | NotificationLevel;

export const NOTIFICATION_LEVELS: readonly NotificationLevel[] = ["all", "mentions", "off"];
export const ROOM_NOTIFICATION_LEVELS: readonly RoomNotificationLevel[] = [
  "default",
  "all",
  "mentions",
  "off",
];

export const LEVEL_LABELS: Record<RoomNotificationLevel, string> = {
  default: "Use the global setting",
  all: "All messages",
  mentions: "Mentions only",
  off: "Off",
};

const OVERRIDE = sdkValue<PushRuleKind.Override>("override");
const ROOM = sdkValue<PushRuleKind.RoomSpecific>("room");
const UNDERRIDE = sdkValue<PushRuleKind.Underride>("underride");

export const MASTER_RULE = ".m.rule.master";
/** One-to-one rooms first: they decide the global level when the rules disagree. */
export const MESSAGE_RULES = [
  ".m.rule.room_one_to_one",
  ".m.rule.encrypted_room_one_to_one",
  ".m.rule.message",
  ".m.rule.encrypted",
] as const;

const NOTIFY_ACTION = sdkValue<PushRuleActionName.Notify>("notify");
const NOTIFY: PushRuleAction[] = [NOTIFY_ACTION];
const NOTIFY_WITH_SOUND: PushRuleAction[] = [
  NOTIFY_ACTION,
  { set_tweak: sdkValue<TweakName.Sound>("sound"), value: "default" },
];
// An empty list is the spec's "do nothing" (`dont_notify` is deprecated); Element writes it too.
const NOTHING: PushRuleAction[] = [];

/** One change to the push rules, as a client-server API call makes it. */
export type PushRuleChange =
  | { op: "setActions"; kind: PushRuleKind; ruleId: string; actions: PushRuleAction[] }
  | { op: "setEnabled"; kind: PushRuleKind; ruleId: string; enabled: boolean }
  | {
      op: "add";
      kind: PushRuleKind;
      ruleId: string;
      body: Pick<IPushRule, "actions" | "conditions">;
    }
  | { op: "delete"; kind: PushRuleKind; ruleId: string };

/** Whether a rule's actions notify (`notify` present; `dont_notify` and [] do not). */
export function notifies(actions: readonly PushRuleAction[] | undefined): boolean {
  return (actions ?? []).some((action) => action === "notify");
}

function rule(list: readonly IPushRule[] | undefined, ruleId: string): IPushRule | undefined {
  return list?.find((candidate) => candidate.rule_id === ruleId);
}

/** The global choice the rules say; the server's defaults (no rules read yet) mean "all". */
export function globalLevelOf(rules: IPushRules | undefined): NotificationLevel {
  const global = rules?.global;
  if (rule(global?.override, MASTER_RULE)?.enabled) return "off";
  for (const ruleId of MESSAGE_RULES) {
    const found = rule(global?.underride, ruleId);
    if (found?.enabled) return notifies(found.actions) ? "all" : "mentions";
  }
  return "all";
}

/** The changes that make the rules say `level` globally. */
export function globalLevelChanges(
  rules: IPushRules | undefined,
  level: NotificationLevel,
): PushRuleChange[] {
  const changes: PushRuleChange[] = [];
  const master = rule(rules?.global?.override, MASTER_RULE);
  const wantMaster = level === "off";
  if ((master?.enabled ?? false) !== wantMaster) {
    changes.push({ op: "setEnabled", kind: OVERRIDE, ruleId: MASTER_RULE, enabled: wantMaster });
  }
  // "Off" leaves the message rules as they are, so turning notifications back on restores them.
  if (level === "off") return changes;
  for (const ruleId of MESSAGE_RULES) {
    const oneToOne = ruleId.includes("one_to_one");
    const actions = level === "mentions" ? NOTHING : oneToOne ? NOTIFY_WITH_SOUND : NOTIFY;
    changes.push({ op: "setActions", kind: UNDERRIDE, ruleId, actions });
  }
  return changes;
}

/** Whether an override rule is exactly "mute this room" as Element writes it. */
function isRoomMute(found: IPushRule | undefined, roomId: string): boolean {
  if (!found?.enabled || notifies(found.actions)) return false;
  const conditions = found.conditions ?? [];
  return (
    conditions.length === 1 &&
    conditions[0]?.kind === "event_match" &&
    "key" in conditions[0] &&
    conditions[0].key === "room_id" &&
    "pattern" in conditions[0] &&
    conditions[0].pattern === roomId
  );
}

/** The room's own choice, or "default" when the global one applies. */
export function roomLevelOf(rules: IPushRules | undefined, roomId: string): RoomNotificationLevel {
  const global = rules?.global;
  if (isRoomMute(rule(global?.override, roomId), roomId)) return "off";
  const roomRule = rule(global?.room, roomId);
  if (roomRule?.enabled) return notifies(roomRule.actions) ? "all" : "mentions";
  return "default";
}

/** The changes that give `roomId` the choice `level`; none when it has it already. */
export function roomLevelChanges(
  rules: IPushRules | undefined,
  roomId: string,
  level: RoomNotificationLevel,
): PushRuleChange[] {
  if (roomLevelOf(rules, roomId) === level) return [];
  const global = rules?.global;
  const changes: PushRuleChange[] = [];
  if (rule(global?.override, roomId))
    changes.push({ op: "delete", kind: OVERRIDE, ruleId: roomId });
  if (rule(global?.room, roomId)) changes.push({ op: "delete", kind: ROOM, ruleId: roomId });
  if (level === "off") {
    changes.push({
      op: "add",
      kind: OVERRIDE,
      ruleId: roomId,
      body: {
        actions: NOTHING,
        conditions: [
          {
            kind: sdkValue<ConditionKind.EventMatch>("event_match"),
            key: "room_id",
            pattern: roomId,
          },
        ],
      },
    });
  } else if (level === "mentions" || level === "all") {
    changes.push({
      op: "add",
      kind: ROOM,
      ruleId: roomId,
      body: { actions: level === "all" ? NOTIFY_WITH_SOUND : NOTHING },
    });
  }
  return changes;
}

/** The client calls that make the changes. */
export type PushRuleWriter = {
  setPushRuleActions(
    scope: string,
    kind: PushRuleKind,
    ruleId: string,
    actions: PushRuleAction[],
  ): Promise<unknown>;
  setPushRuleEnabled(
    scope: string,
    kind: PushRuleKind,
    ruleId: string,
    enabled: boolean,
  ): Promise<unknown>;
  addPushRule(
    scope: string,
    kind: PushRuleKind,
    ruleId: string,
    body: Pick<IPushRule, "actions" | "conditions">,
  ): Promise<unknown>;
  deletePushRule(scope: string, kind: PushRuleKind, ruleId: string): Promise<unknown>;
};

/** Makes the changes in order (a room's old rule goes before its new one is added). */
export async function applyPushRuleChanges(
  client: PushRuleWriter,
  changes: readonly PushRuleChange[],
): Promise<void> {
  for (const change of changes) {
    switch (change.op) {
      case "setActions":
        await client.setPushRuleActions("global", change.kind, change.ruleId, change.actions);
        break;
      case "setEnabled":
        await client.setPushRuleEnabled("global", change.kind, change.ruleId, change.enabled);
        break;
      case "add":
        await client.addPushRule("global", change.kind, change.ruleId, change.body);
        break;
      case "delete":
        await client.deletePushRule("global", change.kind, change.ruleId);
        break;
    }
  }
}
