/** A fixed window's count so far. */
export interface RateLimitWindow {
  hits: number;
  endsAt: Date;
}

/**
 * Fixed-window counters shared by every bridge instance (they all use one PostgreSQL), so a
 * limit holds however many replicas sit behind the load balancer.
 */
export interface RateLimitStore {
  /** Counts one hit in `bucket`'s current window (opening a new one of `windowMs` if needed). */
  hit(bucket: string, windowMs: number, now: Date): Promise<RateLimitWindow>;
  /** The current window's count without adding to it; undefined if no window is open. */
  peek(bucket: string, now: Date): Promise<RateLimitWindow | undefined>;
  /** Deletes windows that have ended. */
  prune(now: Date): Promise<number>;
}
