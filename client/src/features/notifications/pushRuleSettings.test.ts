import type { IPushRule, IPushRules } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import {
  applyPushRuleChanges,
  globalLevelChanges,
  globalLevelOf,
  MESSAGE_RULES,
  roomLevelChanges,
  roomLevelOf,
} from "./pushRuleSettings";

const ROOM = "!partner:localhost";

/** Synapse's defaults for the rules the settings touch. */
function serverDefaults(): IPushRules {
  const underride = MESSAGE_RULES.map(
    (ruleId): IPushRule =>
      ({
        rule_id: ruleId,
        default: true,
        enabled: true,
        actions: ruleId.includes("one_to_one")
          ? ["notify", { set_tweak: "sound", value: "default" }]
          : ["notify"],
      }) as IPushRule,
  );
  return {
    global: {
      override: [
        { rule_id: ".m.rule.master", default: true, enabled: false, actions: [] } as IPushRule,
      ],
      room: [],
      underride,
    },
  } as unknown as IPushRules;
}

/** Applies changes to a copy of the rules the way Synapse would, to read them back. */
function applied(rules: IPushRules, changes: ReturnType<typeof roomLevelChanges>): IPushRules {
  const next = structuredClone(rules) as IPushRules;
  const global = next.global as Required<IPushRules["global"]>;
  for (const change of changes) {
    const list = global[change.kind as "override" | "room" | "underride"];
    const index = list.findIndex((rule) => rule.rule_id === change.ruleId);
    if (change.op === "delete") list.splice(index, 1);
    else if (change.op === "add")
      list.unshift({ rule_id: change.ruleId, default: false, enabled: true, ...change.body });
    else if (change.op === "setActions") (list[index] as IPushRule).actions = change.actions;
    else (list[index] as IPushRule).enabled = change.enabled;
  }
  return next;
}

describe("the global setting as push rules", () => {
  it("reads the server's defaults, and no rules at all, as all messages", () => {
    expect(globalLevelOf(serverDefaults())).toBe("all");
    expect(globalLevelOf(undefined)).toBe("all");
  });

  it("round-trips every choice through the rules Element reads", () => {
    let rules = serverDefaults();
    for (const level of ["mentions", "off", "all", "off", "mentions"] as const) {
      rules = applied(rules, globalLevelChanges(rules, level));
      expect(globalLevelOf(rules)).toBe(level);
    }
  });

  it("writes mentions only as empty actions on the four message rules", () => {
    const changes = globalLevelChanges(serverDefaults(), "mentions");
    expect(changes).toEqual(
      MESSAGE_RULES.map((ruleId) => ({ op: "setActions", kind: "underride", ruleId, actions: [] })),
    );
  });

  it("writes off as the master rule, leaving the message rules to come back to", () => {
    expect(globalLevelChanges(serverDefaults(), "off")).toEqual([
      { op: "setEnabled", kind: "override", ruleId: ".m.rule.master", enabled: true },
    ]);
    const off = applied(serverDefaults(), globalLevelChanges(serverDefaults(), "off"));
    const back = globalLevelChanges(off, "all");
    expect(back[0]).toEqual({
      op: "setEnabled",
      kind: "override",
      ruleId: ".m.rule.master",
      enabled: false,
    });
  });

  it("reads Element's older dont_notify as not notifying", () => {
    const rules = serverDefaults();
    for (const rule of rules.global.underride ?? []) rule.actions = ["dont_notify" as never];
    expect(globalLevelOf(rules)).toBe("mentions");
  });
});

describe("a room's setting as push rules", () => {
  it("round-trips every choice, replacing the room's previous rule", () => {
    let rules = serverDefaults();
    expect(roomLevelOf(rules, ROOM)).toBe("default");
    for (const level of ["off", "mentions", "all", "off", "default", "mentions"] as const) {
      rules = applied(rules, roomLevelChanges(rules, ROOM, level));
      expect(roomLevelOf(rules, ROOM)).toBe(level);
      const own = [...(rules.global.override ?? []), ...(rules.global.room ?? [])].filter(
        (rule) => rule.rule_id === ROOM,
      );
      expect(own.length).toBe(level === "default" ? 0 : 1);
    }
  });

  it("mutes with an override rule matching the room id, as Element does", () => {
    expect(roomLevelChanges(serverDefaults(), ROOM, "off")).toEqual([
      {
        op: "add",
        kind: "override",
        ruleId: ROOM,
        body: { actions: [], conditions: [{ kind: "event_match", key: "room_id", pattern: ROOM }] },
      },
    ]);
  });

  it("does not take an override rule for another room, or a disabled one, as a mute", () => {
    const rules = serverDefaults();
    rules.global.override?.push({
      rule_id: ROOM,
      default: false,
      enabled: true,
      actions: [],
      conditions: [{ kind: "event_match", key: "room_id", pattern: "!elsewhere:localhost" }],
    } as IPushRule);
    expect(roomLevelOf(rules, ROOM)).toBe("default");
  });

  it("changes nothing when the room already has the choice", () => {
    const rules = applied(serverDefaults(), roomLevelChanges(serverDefaults(), ROOM, "mentions"));
    expect(roomLevelChanges(rules, ROOM, "mentions")).toEqual([]);
  });

  it("makes the changes in order through the client", async () => {
    const calls: string[] = [];
    const client = {
      setPushRuleActions: vi.fn(async () => calls.push("actions")),
      setPushRuleEnabled: vi.fn(async () => calls.push("enabled")),
      addPushRule: vi.fn(async () => calls.push("add")),
      deletePushRule: vi.fn(async () => calls.push("delete")),
    };
    const muted = applied(serverDefaults(), roomLevelChanges(serverDefaults(), ROOM, "off"));
    await applyPushRuleChanges(client, roomLevelChanges(muted, ROOM, "mentions"));
    expect(calls).toEqual(["delete", "add"]);
    expect(client.addPushRule).toHaveBeenCalledWith("global", "room", ROOM, { actions: [] });
  });
});
