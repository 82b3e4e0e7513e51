// Moderation between partner organisations as a Matrix moderation policy list: each organisation's
// bot publishes `m.policy.rule.user` rules (recommendation `m.ban`) for the learners it banned, and
// reads its partners' rules under a trust rule of its own: a rule counts only when it sits in a
// partner's policy room, was sent by that server's bot, and names users of that same server. An
// organisation speaks for its own learners and no one else's. Pure: no Matrix client, no database.
import { isServerName, serverNameOf } from "./matrixIds.js";

/** The spec's state event type for rules about users. */
export const USER_RULE_TYPE = "m.policy.rule.user";
/** The only recommendation the spec defines, and the only one acted on. */
export const BAN_RECOMMENDATION = "m.ban";
/** `m.room.create` content `type` of a policy room. */
export const POLICY_ROOM_TYPE = "org.xstream.policy";
/** Localpart of every organisation's policy room alias: `#xstream_policy:<server>`. */
export const POLICY_ALIAS_LOCALPART = "xstream_policy";

/** The longest entity (a user id or pattern) read: the spec caps user ids at 255 bytes. */
export const MAX_ENTITY = 255;
/** The longest reason kept; a longer one is refused rather than cut. */
export const MAX_REASON = 500;
/** The longest state key looked at. */
const MAX_STATE_KEY = 300;
/** Characters other than `*` in a pattern: bounds the matcher's state (see `compileGlob`). */
export const MAX_PATTERN_TOKENS = 64;

export const policyAlias = (serverName: string) => `#${POLICY_ALIAS_LOCALPART}:${serverName}`;
/** The state key the spec's examples use: `rule:` and the entity. */
export const ruleStateKey = (entity: string) => `rule:${entity}`;

/** The content of a ban rule as we publish it. */
export function banRuleContent(userId: string, reason: string): Record<string, string> {
  return { entity: userId, recommendation: BAN_RECOMMENDATION, reason };
}

/** A partner's rule as believed: a user id or a pattern over that partner's own users. */
export interface UserRule {
  serverName: string;
  stateKey: string;
  entity: string;
  reason: string;
}

/** Why a rule was not believed; the label of the ignored-rules metric. */
export type IgnoredRuleReason =
  /** Not sent by the room owner's bot. */
  | "forged_sender"
  /** The room's server is not a live partner. */
  | "not_paired"
  /** Not in a partner's policy room. */
  | "wrong_room"
  /** The entity names (or could match) users of another server. */
  | "other_server"
  /** Entity, reason or state key beyond the limits. */
  | "too_large"
  /** Missing or mistyped fields, or an entity that is not a user id or pattern. */
  | "malformed"
  /** A recommendation other than `m.ban`. */
  | "unsupported";

export type RuleReading =
  | { kind: "rule"; rule: UserRule }
  /** Empty content: the rule at this key was lifted. */
  | { kind: "removed"; serverName: string; stateKey: string }
  /**
   * Not believed. `replaces` is set when the event came from the owner's bot in its own room:
   * whatever rule that key held before is gone from the room's state, so it is gone for us too.
   */
  | {
      kind: "ignored";
      reason: IgnoredRuleReason;
      replaces?: { serverName: string; stateKey: string };
    };

export interface RuleEvent {
  sender: string;
  stateKey: string;
  content: Record<string, unknown>;
  /** The server whose policy room the event is in; undefined for any other room. */
  roomOwner: string | undefined;
}

export interface PolicyTrust {
  /** Every organisation's bot has this localpart (`xstream`). */
  botLocalpart: string;
  /** Servers we list (and that list us, or we would not be in their room). */
  partners: ReadonlySet<string>;
}

// Control characters and whitespace have no place in a localpart; `:` would end it.
const BAD_LOCALPART_CHAR = /[\s:\p{Cc}]/u;

/**
 * Reads one `m.policy.rule.user` state event under the trust rule. Only top-level fields are
 * looked at, each by its type and length first: nested or huge content costs nothing to refuse.
 */
export function readUserRule(event: RuleEvent, trust: PolicyTrust): RuleReading {
  const owner = event.roomOwner;
  if (owner === undefined) return { kind: "ignored", reason: "wrong_room" };
  if (event.sender !== `@${trust.botLocalpart}:${owner}`) {
    return { kind: "ignored", reason: "forged_sender" };
  }
  if (!trust.partners.has(owner)) return { kind: "ignored", reason: "not_paired" };
  if (event.stateKey.length > MAX_STATE_KEY) return { kind: "ignored", reason: "too_large" };
  const key = { serverName: owner, stateKey: event.stateKey };
  const ignored = (reason: IgnoredRuleReason): RuleReading => ({
    kind: "ignored",
    reason,
    replaces: key,
  });
  const { entity, recommendation, reason } = event.content;
  if (entity === undefined && recommendation === undefined && reason === undefined) {
    // The spec lifts a rule with empty content (or a redaction, which leaves none of these).
    return { kind: "removed", ...key };
  }
  if (typeof entity !== "string" || typeof recommendation !== "string") return ignored("malformed");
  if (reason !== undefined && typeof reason !== "string") return ignored("malformed");
  if (entity.length > MAX_ENTITY || (reason?.length ?? 0) > MAX_REASON) return ignored("too_large");
  if (recommendation !== BAN_RECOMMENDATION) return ignored("unsupported");
  const checked = checkEntity(entity, owner);
  if (checked !== "ok") return ignored(checked);
  return { kind: "rule", rule: { ...key, entity, reason: reason ?? "" } };
}

/** Whether `entity` is a user id or pattern confined to `owner`'s users. */
function checkEntity(entity: string, owner: string): "ok" | IgnoredRuleReason {
  if (!entity.startsWith("@")) return "malformed";
  const colon = entity.indexOf(":");
  if (colon < 2) return "malformed";
  const server = entity.slice(colon + 1);
  // The server part is compared literally: a pattern there (`@*:*`) could reach other servers.
  if (server !== owner) {
    return isServerName(server) || /[*?]/.test(server) ? "other_server" : "malformed";
  }
  const localpart = entity.slice(1, colon);
  if (BAD_LOCALPART_CHAR.test(localpart)) return "malformed";
  if (countTokens(localpart) > MAX_PATTERN_TOKENS) return "too_large";
  return "ok";
}

const countTokens = (pattern: string) => {
  let tokens = 0;
  for (const char of pattern) if (char !== "*") tokens++;
  return tokens;
};

/**
 * A matcher for a localpart pattern (`*` any run of characters, `?` exactly one), without
 * regular expressions: a bit-parallel walk of the pattern's automaton. State `i` means "the first
 * i tokens matched"; each character of the input moves every state at once with a few word
 * operations, so a match costs O(input length × pattern tokens / 32) whatever the pattern (no
 * backtracking). Patterns longer than MAX_PATTERN_TOKENS are refused by `readUserRule`.
 */
export function compileGlob(pattern: string): (text: string) => boolean {
  const tokens: string[] = [];
  // loops[i]: a `*` follows token i (state i may consume any character and stay).
  const loops: boolean[] = [false];
  for (const char of pattern) {
    if (char === "*") loops[tokens.length] = true;
    else {
      tokens.push(char);
      loops[tokens.length] = false;
    }
  }
  if (!tokens.some((token) => token === "?") && !loops.some(Boolean)) {
    return (text) => text === pattern;
  }
  const states = tokens.length + 1;
  const words = Math.ceil(states / 32);
  const mask = () => new Uint32Array(words);
  const set = (bits: Uint32Array, i: number) => {
    bits[i >>> 5] = ((bits[i >>> 5] ?? 0) | (1 << (i & 31))) >>> 0;
  };
  const loopMask = mask();
  const anyMask = mask();
  const literalMasks = new Map<string, Uint32Array>();
  for (const [i, loop] of loops.entries()) if (loop) set(loopMask, i);
  for (const [i, token] of tokens.entries()) {
    // Token i leads from state i to state i + 1.
    if (token === "?") set(anyMask, i + 1);
    else {
      const bits = literalMasks.get(token) ?? mask();
      set(bits, i + 1);
      literalMasks.set(token, bits);
    }
  }
  const none = mask();
  return (text) => {
    let current = mask();
    set(current, 0);
    let next = mask();
    for (const char of text) {
      const literal = literalMasks.get(char) ?? none;
      let carry = 0;
      let alive = 0;
      for (let w = 0; w < words; w++) {
        const word = current[w] ?? 0;
        const shifted = ((word << 1) | carry) >>> 0;
        carry = word >>> 31;
        const value =
          ((shifted & ((anyMask[w] ?? 0) | (literal[w] ?? 0))) | (word & (loopMask[w] ?? 0))) >>> 0;
        next[w] = value;
        alive |= value;
      }
      if (alive === 0) return false;
      [current, next] = [next, current];
    }
    const last = states - 1;
    return (((current[last >>> 5] ?? 0) >>> (last & 31)) & 1) === 1;
  };
}

/**
 * The users one organisation's rules ban, as a predicate: exact ids from a set, patterns by
 * their compiled matchers. Every rule must already be confined to `serverName` (readUserRule).
 */
export function banMatcher(
  serverName: string,
  rules: readonly Pick<UserRule, "entity">[],
): (userId: string) => boolean {
  const exact = new Set<string>();
  const patterns: ((localpart: string) => boolean)[] = [];
  const suffix = `:${serverName}`;
  for (const { entity } of rules) {
    if (!entity.endsWith(suffix)) continue;
    const localpart = entity.slice(1, -suffix.length);
    if (/[*?]/.test(localpart)) patterns.push(compileGlob(localpart));
    else exact.add(entity);
  }
  return (userId) => {
    if (exact.has(userId)) return true;
    if (patterns.length === 0 || serverNameOf(userId) !== serverName) return false;
    const localpart = userId.slice(1, userId.indexOf(":"));
    return patterns.some((matches) => matches(localpart));
  };
}
