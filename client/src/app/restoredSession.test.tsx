// A reload of the Chats page: the rooms this browser kept show while the session check is on its
// way, with nothing else asked of the bridge; the check's answer keeps them or takes them away.
import { act, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "../api/types";
import { memorySessionHint } from "../features/auth/sessionHint";
import { saveCachedRoomList } from "../features/roomList/cachedRoomList";
import { readRoomListCache } from "../matrix/roomListCache";
import { ANA, FakeBridge, json } from "../test/fakeBridge";
import { App, preloadRestoredScreen } from "./App";
import { memoryRememberedUser, type RememberedUser, storageRememberedUser } from "./rememberedUser";
import { createAppServices } from "./services";

const BEA: User = {
  username: "bea",
  displayName: "Bea Costa",
  role: "user",
  matrixUserId: "@bea:example.org",
};

function keptRoom(userId: string, name: string) {
  saveCachedRoomList(userId, {
    direct: [],
    groups: [
      {
        roomId: `!${name.toLowerCase().replace(/\W/g, "")}:example.org`,
        name,
        initials: name.slice(0, 2).toUpperCase(),
        avatarUrl: null,
        direct: false,
        preview: "See you on Friday",
        lastActivity: null,
        unread: 0,
        mentions: 0,
        label: name,
      },
    ],
    total: 1,
  });
}

/** A session check the test answers when it chooses. */
function heldRefresh(bridge: FakeBridge) {
  let answer: (response: Response) => void = () => {};
  const answered = new Promise<Response>((resolve) => {
    answer = resolve;
  });
  bridge.on("POST", "/api/auth/refresh", () => answered);
  return {
    answer: (response: Response) => act(async () => answer(response)),
  };
}

/** The Matrix SDK still loading: the Chats page stays on what this browser kept. */
const sdkStillLoading = () => new Promise<never>(() => {});

async function reloadChats(
  bridge: FakeBridge,
  remembered: RememberedUser,
  { signedInBefore = true } = {},
) {
  window.history.replaceState(null, "", "/chats");
  const matrix = { loadSdk: vi.fn(sdkStillLoading) };
  const services = createAppServices({
    fetch: bridge.fetch,
    locks: null,
    loadSdk: matrix.loadSdk,
    hint: memorySessionHint(signedInBefore),
    remembered,
    origin: "http://localhost:3000",
  });
  // As main.tsx does on a reload.
  void services.session.restore();
  if (services.restoringAs()) await preloadRestoredScreen("/chats");
  render(<App services={services} />);
  return { matrix };
}

const keptRooms = () =>
  within(screen.getByRole("region", { name: "Groups" }))
    .queryAllByRole("link")
    .map((link) => link.getAttribute("aria-label"));

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

describe("reloading the Chats page", () => {
  it("shows the kept rooms before the session check answers, and keeps them after", async () => {
    keptRoom(ANA.matrixUserId, "Book club");
    const bridge = FakeBridge.signedIn();
    const refresh = heldRefresh(bridge);
    const { matrix } = await reloadChats(bridge, memoryRememberedUser(ANA));

    // Drawn at once, from this browser alone: only the session check has left.
    expect(keptRooms()).toEqual(["Book club"]);
    expect(screen.getByText("Ana Lima")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeDisabled();
    expect(bridge.requests.map((request) => request.path)).toEqual(["/api/auth/refresh"]);
    expect(matrix.loadSdk).not.toHaveBeenCalled();
    const room = screen.getByRole("link", { name: "Book club" });

    await refresh.answer(json(200, { user: ANA }));

    // The same page, not a new one: the session goes on from where the cache left it.
    await waitFor(() => expect(screen.getByRole("button", { name: "Sign out" })).toBeEnabled());
    expect(screen.getByRole("link", { name: "Book club" })).toBe(room);
    expect(window.location.pathname).toBe("/chats");
    expect(matrix.loadSdk).toHaveBeenCalled();
    await waitFor(() =>
      expect(bridge.calls("GET", "/api/partners/requests").length).toBeGreaterThan(0),
    );
  });

  it("takes the kept rooms away and shows sign-in when the session is refused", async () => {
    keptRoom(ANA.matrixUserId, "Book club");
    const remembered = storageRememberedUser();
    remembered.set(ANA);
    const bridge = FakeBridge.signedIn();
    const refresh = heldRefresh(bridge);
    const { matrix } = await reloadChats(bridge, remembered);
    expect(keptRooms()).toEqual(["Book club"]);

    await refresh.answer(json(401, { errcode: "M_UNKNOWN_TOKEN", error: "Session revoked" }));

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByText("Book club")).not.toBeInTheDocument();
    expect(screen.queryByText("Ana Lima")).not.toBeInTheDocument();
    // Nothing of Ana's is left for whoever opens the page next.
    expect(readRoomListCache(ANA.matrixUserId)).toBeNull();
    expect(remembered.get()).toBeNull();
    expect(localStorage.length).toBe(0);
    expect(matrix.loadSdk).not.toHaveBeenCalled();
  });

  it("draws nothing from the cache once the browser's session hint is gone", async () => {
    keptRoom(ANA.matrixUserId, "Book club");
    const bridge = FakeBridge.signedIn();
    await reloadChats(bridge, memoryRememberedUser(ANA), { signedInBefore: false });

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByText("Book club")).not.toBeInTheDocument();
    expect(bridge.requests).toEqual([]);
  });

  it("shows nothing from the cache on a page that cannot draw from it", async () => {
    keptRoom(ANA.matrixUserId, "Book club");
    const bridge = FakeBridge.signedIn();
    heldRefresh(bridge);
    const services = createAppServices({
      fetch: bridge.fetch,
      locks: null,
      loadSdk: sdkStillLoading,
      hint: memorySessionHint(true),
      remembered: memoryRememberedUser(ANA),
      origin: "http://localhost:3000",
    });
    window.history.replaceState(null, "", "/settings");
    render(<App services={services} />);

    expect(screen.getByRole("status")).toHaveTextContent("Loading Xstream…");
    expect(screen.queryByText("Ana Lima")).not.toBeInTheDocument();
  });

  it("starts over with the confirmed user's own rooms when the session is someone else's", async () => {
    keptRoom(ANA.matrixUserId, "Book club");
    keptRoom(BEA.matrixUserId, "Chess club");
    const bridge = FakeBridge.signedIn();
    const refresh = heldRefresh(bridge);
    const remembered = memoryRememberedUser(ANA);
    await reloadChats(bridge, remembered);
    expect(keptRooms()).toEqual(["Book club"]);

    await refresh.answer(json(200, { user: BEA }));

    expect(await screen.findByText("Bea Costa")).toBeInTheDocument();
    expect(screen.queryByText("Book club")).not.toBeInTheDocument();
    expect(keptRooms()).toEqual(["Chess club"]);
    expect(remembered.get()).toEqual(BEA);
  });
});
