// When to ask a partner again: an invite it did not take, a room we could not join yet. The first
// retries come within seconds (the partner's operator may be listing us right now), then ever
// more slowly, so a partner that is down or does not list us is not asked every round.

/** The first retry's delay. */
export const PAIRING_RETRY_FIRST_MS = 1_000;
/**
 * Each delay is this much longer than the one before: 1, 2.5, 4.75, 8.1… s, a dozen tries in
 * the first five minutes, then one every PAIRING_RETRY_MAX_MS.
 */
export const PAIRING_RETRY_FACTOR = 1.5;
/** The longest delay between two attempts. */
export const PAIRING_RETRY_MAX_MS = 5 * 60_000;

export class PairingBackoff {
  private readonly next = new Map<string, { at: number; delayMs: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly firstMs = PAIRING_RETRY_FIRST_MS,
    private readonly maxMs = PAIRING_RETRY_MAX_MS,
    private readonly factor = PAIRING_RETRY_FACTOR,
  ) {}

  /** Whether `key` may be tried now (never tried, or its delay has passed). */
  due(key: string): boolean {
    const scheduled = this.next.get(key);
    return scheduled === undefined || scheduled.at <= this.now();
  }

  /** Records an attempt: the next one waits `factor` times as long as the last (first … max). */
  tried(key: string): void {
    const previous = this.next.get(key);
    const delayMs = previous ? Math.min(previous.delayMs * this.factor, this.maxMs) : this.firstMs;
    this.next.set(key, { at: this.now() + delayMs, delayMs });
  }

  /** It worked, or the partner just spoke to us: the next trouble starts from the first delay. */
  reset(key: string): void {
    this.next.delete(key);
  }

  /** Forgets every attempt about `serverName` (keys are `<what> <server name>`). */
  resetServer(serverName: string): void {
    for (const key of this.next.keys()) if (key.endsWith(` ${serverName}`)) this.next.delete(key);
  }

  /** Milliseconds until the earliest scheduled attempt (0 if one is due); undefined if none. */
  nextDueInMs(): number | undefined {
    let soonest: number | undefined;
    for (const { at } of this.next.values()) soonest = Math.min(soonest ?? at, at);
    return soonest === undefined ? undefined : Math.max(0, soonest - this.now());
  }
}

/** What one round needs to join partners' rooms of one kind (directory or policy list). */
export interface PartnerRoomJoins {
  partners: readonly string[];
  /** Read every partner's room again, even one already joined (a restart's rebuild). */
  rebuild: boolean;
  backoff: PairingBackoff | undefined;
  /** The partner's room we already hold, if any. */
  knownRoom(server: string): Promise<string | undefined>;
  /** Looks the partner's room up by its alias; undefined when it has none yet. */
  resolveRoom(server: string): Promise<string | null | undefined>;
  /** Joins; false when the partner has not invited us (yet). */
  join(roomId: string, server: string): Promise<boolean>;
  /** Reads the joined room's state into our store. */
  read(server: string, roomId: string): Promise<unknown>;
  onError(error: unknown, server: string): void;
}

/**
 * One round of joining and reading each partner's room: a partner not reached yet is asked on
 * the backoff's schedule, not every round. Resolves true when some partner is still pending.
 */
export async function joinPartnerRooms(round: PartnerRoomJoins): Promise<boolean> {
  const { backoff } = round;
  let pending = false;
  for (const server of round.partners) {
    const key = `join ${server}`;
    try {
      const known = await round.knownRoom(server);
      if (known && !round.rebuild) continue;
      if (!known && backoff && !backoff.due(key)) {
        pending = true;
        continue;
      }
      const roomId = known ?? (await round.resolveRoom(server));
      // Not paired from their side yet (no room, or no invite for us): next round.
      if (!roomId || !(await round.join(roomId, server))) {
        pending = true;
        backoff?.tried(key);
        continue;
      }
      backoff?.reset(key);
      await round.read(server, roomId);
    } catch (error) {
      pending = true;
      backoff?.tried(key);
      round.onError(error, server);
    }
  }
  return pending;
}

/** What inviting a partner's bot to one of our rooms needs from Matrix. */
export interface RoomInvites {
  memberships(roomId: string): Promise<Map<string, string>>;
  invite(roomId: string, userId: string): Promise<void>;
}

/**
 * Invites `userId` to our room `roomId` unless they are in it or invited already (a second
 * invite would be refused, or be noise in the room). Resolves true when it invited them now.
 */
export async function inviteUnlessPresent(
  matrix: RoomInvites,
  roomId: string,
  userId: string,
): Promise<boolean> {
  const membership = (await matrix.memberships(roomId)).get(userId);
  if (membership === "join" || membership === "invite") return false;
  await matrix.invite(roomId, userId);
  return true;
}

/** What joining a partner's room once needs from Matrix. */
export interface RoomJoins {
  memberships(roomId: string): Promise<Map<string, string>>;
  join(roomId: string, viaServer: string): Promise<boolean>;
}

/**
 * Joins `roomId` as `userId` (our bot) unless it is joined already; resolves whether it is in.
 * Joining again is not harmless: our homeserver re-joins a room it is still catching up on (a
 * partial-state join) through the partner's server, and an event the partner sent meanwhile was
 * seen missing for minutes, until a later event named it.
 */
export async function joinUnlessJoined(
  matrix: RoomJoins,
  roomId: string,
  viaServer: string,
  userId: string,
): Promise<boolean> {
  const membership = await matrix.memberships(roomId).then(
    (members) => members.get(userId),
    // Not in the room (403) or not reachable: the join says which.
    () => undefined,
  );
  return membership === "join" ? true : matrix.join(roomId, viaServer);
}
