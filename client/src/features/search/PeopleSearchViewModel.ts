import type { MatrixClient } from "matrix-js-sdk";
import { isMatrixUserId } from "../../matrix/userIds";
import { describeError } from "../../ui/describeError";

/** Someone found by a people search. */
export type Person = {
  userId: string;
  displayName: string;
  avatarMxc: string | null;
};

export type PeopleSearchSnapshot = {
  query: string;
  /** Best match first; a full Matrix ID typed in is always among them. */
  results: Person[];
  searching: boolean;
  error: string | null;
};

/** How many people one search shows. */
export const PEOPLE_LIMIT = 10;
/** Typing pauses this long before a search goes out. */
export const SEARCH_DELAY_MS = 250;
/** Longer than any name or Matrix ID worth searching for. */
const MAX_QUERY = 255;

const EMPTY: PeopleSearchSnapshot = { query: "", results: [], searching: false, error: null };

type DirectoryClient = Pick<MatrixClient, "searchUserDirectory" | "getUserId">;

/** The directory's answer as people, without me, and with a typed full ID kept. */
export function peopleFrom(
  results: readonly { user_id: string; display_name?: string; avatar_url?: string }[],
  query: string,
  myUserId: string | null,
): Person[] {
  const people: Person[] = [];
  const seen = new Set<string>();
  for (const result of results) {
    if (typeof result.user_id !== "string" || seen.has(result.user_id)) continue;
    if (result.user_id === myUserId) continue;
    seen.add(result.user_id);
    const name = typeof result.display_name === "string" ? result.display_name.trim() : "";
    people.push({
      userId: result.user_id,
      displayName: name || result.user_id,
      avatarMxc: typeof result.avatar_url === "string" ? result.avatar_url : null,
    });
  }
  // A full Matrix ID works even when the directory does not show them (another server, say):
  // inviting and starting a chat only need the ID.
  const typed = query.trim();
  if (isMatrixUserId(typed) && typed !== myUserId && !seen.has(typed)) {
    people.unshift({ userId: typed, displayName: typed, avatarMxc: null });
  }
  return people.slice(0, PEOPLE_LIMIT);
}

/**
 * A search of the homeserver's user directory as the learner types. Who can be found is the
 * server's rule (see synapse-config/modules/xstream_directory.py): people they share a room with
 * and learners who chose to be discoverable. Searches wait for a pause in typing, and an answer
 * to an older query never replaces a newer one.
 */
export class PeopleSearchViewModel {
  readonly #client: DirectoryClient;
  readonly #delayMs: number;
  readonly #listeners = new Set<() => void>();
  #snapshot: PeopleSearchSnapshot = EMPTY;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #latest = 0;

  constructor(client: DirectoryClient, delayMs = SEARCH_DELAY_MS) {
    this.#client = client;
    this.#delayMs = delayMs;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#cancel();
    };
  };

  getSnapshot = (): PeopleSearchSnapshot => this.#snapshot;

  /** The text typed so far; searches after a pause. */
  setQuery(query: string): void {
    const text = query.slice(0, MAX_QUERY);
    this.#cancel();
    const term = text.trim();
    if (term === "") {
      this.#latest++;
      this.#set({ ...EMPTY, query: text });
      return;
    }
    this.#set({ ...this.#snapshot, query: text, searching: true, error: null });
    this.#timer = setTimeout(() => void this.#search(text), this.#delayMs);
  }

  /** Empties the field and the results (after picking someone). */
  clear(): void {
    this.setQuery("");
  }

  async #search(query: string): Promise<void> {
    this.#timer = null;
    const search = ++this.#latest;
    const me = this.#client.getUserId();
    try {
      const answer = await this.#client.searchUserDirectory({
        term: query.trim(),
        limit: PEOPLE_LIMIT,
      });
      if (search !== this.#latest) return;
      this.#set({
        query,
        results: peopleFrom(answer.results, query, me),
        searching: false,
        error: null,
      });
    } catch (error) {
      if (search !== this.#latest) return;
      this.#set({
        query,
        // Still offer a typed full ID: the directory being down does not stop an invite.
        results: peopleFrom([], query, me),
        searching: false,
        error: `Couldn't search people: ${describeError(error)}`,
      });
    }
  }

  #cancel() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(snapshot: PeopleSearchSnapshot) {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
