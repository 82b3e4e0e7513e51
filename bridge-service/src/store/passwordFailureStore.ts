/** Failed password checks counted in one bucket (an account, an address, or both). */
export interface FailureCount {
  failures: number;
  lastFailureAt: Date;
}

/** What an update writes back: a new count, or undefined to forget the bucket. */
export type FailureChanges = Map<string, FailureCount | undefined>;

/**
 * Failure counters and known sign-in addresses, shared by every bridge instance (they all use
 * one PostgreSQL), so the password policy holds however many replicas run.
 */
export interface PasswordFailureStore {
  /**
   * Reads the counters of `buckets` (absent ones are missing from the map), then writes what
   * `change` returns, as one step: concurrent updates of the same buckets run one after the other,
   * so parallel guesses cannot all read the same old count.
   */
  update<T>(
    buckets: readonly string[],
    change: (current: Map<string, FailureCount>) => { changes: FailureChanges; result: T },
  ): Promise<T>;
  /** Whether `account` signed in from `address` at or after `since`. */
  isKnownAddress(account: string, address: string, since: Date): Promise<boolean>;
  rememberAddress(account: string, address: string, now: Date): Promise<void>;
  /** Deletes counters last failed before `failuresBefore` and addresses last used before `knownBefore`. */
  prune(failuresBefore: Date, knownBefore: Date): Promise<number>;
}
