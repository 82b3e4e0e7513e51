/** A call rings this long: then the callee sees a missed call and the caller hangs up. */
export const RING_TIMEOUT_MS = 30_000;
