import type { UserRule } from "../domain/policyRules.js";

/** A learner our organisation banned. */
export interface LearnerBan {
  userId: string;
  reason: string;
  bannedAt: Date;
}

/** A ban (or a lifted one) whose rule in our policy room is not yet what it should be. */
export interface PendingRule {
  userId: string;
  /** The ban in force; undefined when it was lifted and the rule must be cleared. */
  ban: LearnerBan | undefined;
}

/** A policy room and whose it is. */
export interface PolicyRoom {
  serverName: string;
  roomId: string;
}

/**
 * The policy lists' storage (the domain's port; PostgreSQL in store/pg/policyStore.ts): our own
 * bans and what we published of them, the policy rooms, and partners' rules.
 */
export interface PolicyStore {
  /** Bans (or re-words the ban of) a learner; false when that exact ban was already in force. */
  ban(userId: string, reason: string, now: Date): Promise<boolean>;
  /** Lifts a ban; false when there was none. */
  unban(userId: string): Promise<boolean>;
  bannedUsers(): Promise<LearnerBan[]>;
  /**
   * Bans of `serverName`'s users not yet published as they stand, and lifted bans whose rule
   * is still in force.
   */
  pendingRules(serverName: string, limit: number): Promise<PendingRule[]>;
  /** Records the rule we sent for `userId`; `reason` null means cleared. */
  recordRule(userId: string, reason: string | null, eventId: string): Promise<void>;

  roomOfServer(serverName: string): Promise<PolicyRoom | undefined>;
  roomById(roomId: string): Promise<PolicyRoom | undefined>;
  rooms(): Promise<PolicyRoom[]>;
  saveRoom(room: PolicyRoom): Promise<void>;
  /** Forgets a partner's policy room and every rule read from it. */
  forgetServer(serverName: string): Promise<number>;

  rulesOf(serverName: string): Promise<UserRule[]>;
  putRule(rule: UserRule): Promise<void>;
  /** Removes the rule at this key; false when there was none. */
  removeRule(serverName: string, stateKey: string): Promise<boolean>;
  /** Replaces every rule of `serverName` in one transaction (a rebuild). */
  replaceRules(serverName: string, rules: readonly UserRule[]): Promise<void>;
}
