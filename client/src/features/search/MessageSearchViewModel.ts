import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import type {
  ISearchRequestBody,
  ISearchResponse,
  SearchOrderBy,
} from "matrix-js-sdk/lib/@types/search";
import { sdkValue } from "../../matrix/sdkValues";
import { describeError } from "../../ui/describeError";

const RECENT_FIRST = sdkValue<SearchOrderBy.Recent>("recent");

/** A message a search found. */
export type MessageHit = {
  roomId: string;
  roomName: string;
  eventId: string;
  senderName: string;
  body: string;
  ts: number;
  /** Found in this browser's decrypted messages rather than by the server. */
  local: boolean;
};

export type MessageSearchSnapshot = {
  term: string;
  status: "idle" | "searching" | "done";
  /** Newest first. */
  results: MessageHit[];
  /** Encrypted chats were searched here, in what this browser has decrypted. */
  searchedEncrypted: boolean;
  error: string | null;
};

/** The most results one search shows, from the server and from this browser each. */
export const MAX_HITS = 50;
/** Longer than any search worth sending. */
const MAX_TERM = 200;
/** A message longer than this is shown cut (the whole stays in the room). */
const MAX_BODY = 500;

const IDLE: MessageSearchSnapshot = {
  term: "",
  status: "idle",
  results: [],
  searchedEncrypted: false,
  error: null,
};

type SearchClient = Pick<MatrixClient, "search" | "getRooms" | "getRoom">;

/** Lower case without accents, for matching as people expect ("cafe" finds "Café"). */
export function foldText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

/** Whether `body` contains every word of the search, in any order (as the server's search). */
export function matchesTerm(body: string, words: readonly string[]): boolean {
  const folded = foldText(body);
  return words.every((word) => folded.includes(word));
}

function wordsOf(term: string): string[] {
  return foldText(term)
    .split(/\s+/)
    .filter((word) => word !== "");
}

function senderName(room: Room | null, userId: string): string {
  return room?.getMember(userId)?.name || userId;
}

/** A decrypted (or plain) text message's body, or null for anything else. */
function messageBody(event: MatrixEvent): string | null {
  if (event.getType() !== "m.room.message" || event.isRedacted() || event.isDecryptionFailure()) {
    return null;
  }
  // An edit is found through the message it edits, which shows the new text.
  if (event.getRelation()?.rel_type === "m.replace") return null;
  const body = event.getContent().body;
  return typeof body === "string" ? body : null;
}

/** What the loaded, decrypted timelines of an encrypted room hold that matches. */
export function searchLoadedEvents(room: Room, words: readonly string[]): MessageHit[] {
  const hits: MessageHit[] = [];
  const seen = new Set<string>();
  for (const timeline of room.getUnfilteredTimelineSet().getTimelines()) {
    for (const event of timeline.getEvents()) {
      const eventId = event.getId();
      const body = messageBody(event);
      if (!eventId || body === null || seen.has(eventId) || !matchesTerm(body, words)) continue;
      seen.add(eventId);
      hits.push({
        roomId: room.roomId,
        roomName: room.name,
        eventId,
        senderName: senderName(room, event.getSender() ?? ""),
        body: body.slice(0, MAX_BODY),
        ts: event.getTs(),
        local: true,
      });
    }
  }
  return hits;
}

/** The server's answer as hits, leaving out anything malformed. */
export function hitsFromServer(response: ISearchResponse, client: SearchClient): MessageHit[] {
  const results = response.search_categories?.room_events?.results;
  if (!Array.isArray(results)) return [];
  const hits: MessageHit[] = [];
  for (const { result } of results.slice(0, MAX_HITS)) {
    const body = result?.content?.body;
    if (typeof result?.event_id !== "string" || typeof result.room_id !== "string") continue;
    if (typeof body !== "string" || typeof result.sender !== "string") continue;
    const room = client.getRoom(result.room_id);
    hits.push({
      roomId: result.room_id,
      roomName: room?.name ?? result.room_id,
      eventId: result.event_id,
      senderName: senderName(room, result.sender),
      body: body.slice(0, MAX_BODY),
      ts: typeof result.origin_server_ts === "number" ? result.origin_server_ts : 0,
      local: false,
    });
  }
  return hits;
}

/**
 * Searching messages: the homeserver's search (`/search`) for chats it can read, and in
 * end-to-end encrypted chats, whose text the server never sees, the messages this browser has
 * loaded and decrypted. Searches all joined chats, or one. A newer search replaces an older one.
 */
export class MessageSearchViewModel {
  readonly #client: SearchClient;
  readonly #listeners = new Set<() => void>();
  #snapshot: MessageSearchSnapshot = IDLE;
  #latest = 0;

  constructor(client: SearchClient) {
    this.#client = client;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): MessageSearchSnapshot => this.#snapshot;

  /** Searches for `term` in every joined chat, or only in `roomId`. */
  async search(term: string, roomId: string | null = null): Promise<void> {
    const text = term.trim().slice(0, MAX_TERM);
    const search = ++this.#latest;
    if (text === "") {
      this.#set(IDLE);
      return;
    }
    this.#set({ ...IDLE, term: text, status: "searching" });
    const rooms = this.#rooms(roomId);
    const encrypted = rooms.filter((room) => room.hasEncryptionStateEvent());
    const plain = rooms.filter((room) => !room.hasEncryptionStateEvent());
    const words = wordsOf(text);
    const local = encrypted
      .flatMap((room) => searchLoadedEvents(room, words))
      .sort((a, b) => b.ts - a.ts)
      .slice(0, MAX_HITS);

    let server: MessageHit[] = [];
    let error: string | null = null;
    // Every chat: the server knows which are ours (and finds nothing in encrypted ones). One
    // chat: only if the server can read it.
    if (roomId === null || plain.length > 0) {
      const body: ISearchRequestBody = {
        search_categories: {
          room_events: {
            search_term: text,
            order_by: RECENT_FIRST,
            filter: {
              limit: MAX_HITS,
              ...(roomId !== null && { rooms: plain.map((room) => room.roomId) }),
            },
          },
        },
      };
      try {
        server = hitsFromServer(await this.#client.search({ body }), this.#client);
      } catch (cause) {
        error = `Couldn't search on the server: ${describeError(cause)}`;
      }
    }
    if (search !== this.#latest) return;
    this.#set({
      term: text,
      status: "done",
      results: [...server, ...local].sort((a, b) => b.ts - a.ts),
      searchedEncrypted: encrypted.length > 0,
      error,
    });
  }

  #rooms(roomId: string | null): Room[] {
    const joined = this.#client.getRooms().filter((room) => room.getMyMembership() === "join");
    return roomId === null ? joined : joined.filter((room) => room.roomId === roomId);
  }

  #set(snapshot: MessageSearchSnapshot) {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
