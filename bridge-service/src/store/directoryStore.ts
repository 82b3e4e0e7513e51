import type { DirectoryEntry } from "../domain/directoryEntries.js";

/** An entry as written: with the exchange keys the domain derived from it (`offeredExchanges`). */
export interface StoredEntry extends DirectoryEntry {
  exchangeKeys: readonly string[];
}

/** A partner's learner found for matching, with what ranking needs besides the entry. */
export interface EntryMatch {
  entry: DirectoryEntry;
  /** The organisation's name, from its directory room. */
  organisation: string;
  /** Open requests to them on our side. */
  pendingIncoming: number;
}

/** A directory room and whose it is. */
export interface DirectoryRoom {
  serverName: string;
  roomId: string;
  organisationName: string;
}

/** What we last put in our own directory room for one local learner. */
export interface Publication {
  /** The entry's JSON as sent; null once cleared. */
  content: string | null;
  /** Every state event that carried an entry for them, oldest first. */
  eventIds: string[];
}

/**
 * The partner directory's storage (the domain's port; PostgreSQL in store/pg/directoryStore.ts):
 * learners' opt-ins, our publications, the directory rooms, and partners' entries.
 */
export interface DirectoryStore {
  isOptedIn(userId: string): Promise<boolean>;
  setOptedIn(userId: string, optedIn: boolean, now: Date): Promise<void>;
  /** Local learners who opted in or have something published, for a full reconciliation. */
  usersToReconcile(): Promise<string[]>;

  publicationOf(userId: string): Promise<Publication | undefined>;
  /** Records a state event we sent for `userId`; `content` null means cleared. */
  recordPublication(userId: string, content: string | null, eventId: string): Promise<void>;
  /** After redacting them, keeps only `keep` in the learner's event list. */
  forgetEvents(userId: string, keep: readonly string[]): Promise<void>;

  roomOfServer(serverName: string): Promise<DirectoryRoom | undefined>;
  roomById(roomId: string): Promise<DirectoryRoom | undefined>;
  rooms(): Promise<DirectoryRoom[]>;
  saveRoom(room: DirectoryRoom): Promise<void>;
  /** Forgets a partner's room and every entry read from it (unpairing). */
  forgetServer(serverName: string): Promise<number>;

  /** Replaces every entry of `serverName` with `entries` in one transaction (a rebuild). */
  replaceEntries(serverName: string, entries: readonly StoredEntry[]): Promise<void>;
  /** Stores an entry unless a newer version is already held; false when it was stale. */
  upsertEntry(entry: StoredEntry): Promise<boolean>;
  removeEntry(userId: string): Promise<void>;
  /**
   * Entries of `servers` offering one of `exchangeKeys` (what the asking learner seeks), minus
   * `excluded`, most recently updated first.
   */
  findCandidates(
    exchangeKeys: readonly string[],
    servers: readonly string[],
    excluded: ReadonlySet<string>,
    limit: number,
  ): Promise<EntryMatch[]>;
  /** How many entries each server has (for logs and tests). */
  countEntries(serverName: string): Promise<number>;
}
