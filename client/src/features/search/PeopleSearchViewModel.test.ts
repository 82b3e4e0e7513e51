import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeopleSearchViewModel, peopleFrom } from "./PeopleSearchViewModel";

const ME = "@me:example.org";

type Answer = { results: { user_id: string; display_name?: string; avatar_url?: string }[] };

function directory(answer: (term: string) => Promise<Answer>) {
  const searchUserDirectory = vi.fn(({ term }: { term: string }) => answer(term));
  const client = { searchUserDirectory, getUserId: () => ME } as unknown as MatrixClient;
  return { client, searchUserDirectory };
}

describe("peopleFrom", () => {
  it("names people, leaves me out and drops repeats", () => {
    const people = peopleFrom(
      [
        { user_id: "@ana:example.org", display_name: "Ana Lima", avatar_url: "mxc://x/a" },
        { user_id: ME, display_name: "Me" },
        { user_id: "@ana:example.org", display_name: "Ana again" },
        { user_id: "@ben:example.org", display_name: "  " },
      ],
      "a",
      ME,
    );
    expect(people).toEqual([
      { userId: "@ana:example.org", displayName: "Ana Lima", avatarMxc: "mxc://x/a" },
      { userId: "@ben:example.org", displayName: "@ben:example.org", avatarMxc: null },
    ]);
  });

  it("offers a typed full Matrix ID the directory did not find, first", () => {
    const people = peopleFrom([], " @eve:other.example:8448 ", ME);
    expect(people.map((person) => person.userId)).toEqual(["@eve:other.example:8448"]);
    expect(peopleFrom([], "eve", ME)).toEqual([]);
    expect(peopleFrom([], ME, ME)).toEqual([]);
  });
});

describe("PeopleSearchViewModel", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("searches once typing pauses, with the latest text", async () => {
    const { client, searchUserDirectory } = directory(async (term) => ({
      results: [{ user_id: "@ana:example.org", display_name: `Ana (${term})` }],
    }));
    const model = new PeopleSearchViewModel(client, 250);
    model.subscribe(() => {});
    model.setQuery("a");
    model.setQuery("an");
    model.setQuery("ana");
    expect(model.getSnapshot()).toMatchObject({ query: "ana", searching: true });
    await vi.advanceTimersByTimeAsync(250);
    expect(searchUserDirectory).toHaveBeenCalledTimes(1);
    expect(searchUserDirectory).toHaveBeenCalledWith({ term: "ana", limit: 10 });
    expect(model.getSnapshot()).toMatchObject({
      searching: false,
      results: [{ userId: "@ana:example.org", displayName: "Ana (ana)" }],
    });
  });

  it("never lets a slow answer to an older query replace a newer one", async () => {
    const pending = new Map<string, (answer: Answer) => void>();
    const { client } = directory((term) => new Promise((resolve) => pending.set(term, resolve)));
    const model = new PeopleSearchViewModel(client, 10);
    model.subscribe(() => {});
    model.setQuery("be");
    await vi.advanceTimersByTimeAsync(10);
    model.setQuery("ben");
    await vi.advanceTimersByTimeAsync(10);
    pending.get("ben")?.({ results: [{ user_id: "@ben:example.org", display_name: "Ben" }] });
    await vi.advanceTimersByTimeAsync(0);
    pending.get("be")?.({ results: [{ user_id: "@bea:example.org", display_name: "Bea" }] });
    await vi.advanceTimersByTimeAsync(0);
    expect(model.getSnapshot().results.map((person) => person.displayName)).toEqual(["Ben"]);
  });

  it("says why a search failed, and still offers a typed full ID", async () => {
    const { client } = directory(async () => {
      throw new Error("M_LIMIT_EXCEEDED");
    });
    const model = new PeopleSearchViewModel(client, 10);
    model.subscribe(() => {});
    model.setQuery("@eve:example.org");
    await vi.advanceTimersByTimeAsync(10);
    expect(model.getSnapshot()).toMatchObject({
      error: "Couldn't search people: M_LIMIT_EXCEEDED",
      results: [{ userId: "@eve:example.org" }],
    });
  });

  it("clears without asking the server, and bounds what it sends", async () => {
    const { client, searchUserDirectory } = directory(async () => ({ results: [] }));
    const model = new PeopleSearchViewModel(client, 10);
    model.subscribe(() => {});
    model.setQuery("x".repeat(10_000));
    await vi.advanceTimersByTimeAsync(10);
    expect(searchUserDirectory.mock.calls[0]?.[0].term).toHaveLength(255);
    model.clear();
    await vi.advanceTimersByTimeAsync(10);
    expect(searchUserDirectory).toHaveBeenCalledTimes(1);
    expect(model.getSnapshot()).toEqual({ query: "", results: [], searching: false, error: null });
  });
});
