/**
 * Why the domain refused a request. The HTTP layer maps each reason to a status and a Matrix
 * `errcode`; the bot can phrase the same reasons for chat.
 */
export type RefusalReason =
  | "invalid_username"
  | "reserved_username"
  | "weak_password"
  | "invalid_display_name"
  | "username_taken"
  /** Wrong username or password; deliberately the same for both. */
  | "invalid_credentials"
  | "wrong_current_password"
  | "rate_limited"
  /** No session credential was presented. */
  | "missing_session"
  /** The presented session credential is unknown, expired, revoked or malformed. */
  | "unknown_session"
  | "insufficient_role"
  | "invalid_login_token"
  | "login_token_used"
  /** A profile field is malformed: unknown language code, level, time zone, too many items. */
  | "invalid_profile"
  /** The learner has no profile yet. */
  | "profile_missing"
  /** The profile lacks a native or a learning language, so nobody can match it. */
  | "profile_incomplete"
  | "invalid_user_id"
  | "cannot_target_self"
  /** The two learners' languages do not mirror each other (or the other is not discoverable). */
  | "not_a_match"
  | "already_connected"
  | "request_exists"
  /** Blocked, or holding too many open requests; deliberately the same for both. */
  | "partner_unavailable"
  | "request_not_found"
  | "invalid_report";

/** An expected refusal (bad input, wrong password, limit hit), as opposed to a fault. */
export class Refusal extends Error {
  readonly reason: RefusalReason;
  /** The request field at fault, when one is. */
  readonly field: string | undefined;
  /** For `rate_limited`: how long until the caller may try again. */
  readonly retryAfterMs: number | undefined;

  constructor(
    reason: RefusalReason,
    message: string,
    options: { field?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "Refusal";
    this.reason = reason;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }
}
