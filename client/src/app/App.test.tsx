import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { memorySessionHint } from "../features/auth/sessionHint";
import { ANA, FakeBridge, json, signInAnswer } from "../test/fakeBridge";
import { FakeRoom, fakeMatrixSdk } from "../test/fakeMatrixSdk";
import { CARLA, LANGUAGES, partnerRequest, profile, suggestion } from "../test/fakePartners";
import { FakeRoomListClient, joinedRoom } from "../test/fakeRoomList";
import { App } from "./App";
import { memoryRememberedUser } from "./rememberedUser";
import { createAppServices } from "./services";

/** Renders the whole app against a fake bridge and a fake matrix-js-sdk. */
function renderApp(bridge: FakeBridge, { signedInBefore = true, path = "/" } = {}) {
  window.history.replaceState(null, "", path);
  const matrix = fakeMatrixSdk();
  const hint = memorySessionHint(signedInBefore);
  const services = createAppServices({
    fetch: bridge.fetch,
    locks: null,
    loadSdk: matrix.loadSdk,
    hint,
    remembered: memoryRememberedUser(),
    origin: "http://localhost:3000",
  });
  const user = userEvent.setup();
  render(<App services={services} />);
  return { user, matrix, hint, services };
}

const unknownToken = () => json(401, { errcode: "M_UNKNOWN_TOKEN", error: "Token expired" });
const CONNECTED = "Connected to Matrix as @ana:example.org";

beforeEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("App", () => {
  it("shows the sign-in page to a first-time visitor without asking the server", async () => {
    const bridge = new FakeBridge();
    const { matrix } = renderApp(bridge, { signedInBefore: false });

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/signin");
    expect(bridge.requests).toEqual([]);
    expect(matrix.loadSdk).not.toHaveBeenCalled();
  });

  it("restores the session on load and connects to Matrix with the bridge's JWT", async () => {
    const bridge = FakeBridge.signedIn();
    renderApp(bridge);

    expect(screen.getByRole("status")).toHaveTextContent("Loading Xstream…");
    expect(await screen.findByRole("heading", { name: "Hello, Ana Lima" })).toBeInTheDocument();
    expect(await screen.findByText(CONNECTED)).toBeInTheDocument();

    expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(1);
    expect(bridge.calls("POST", "/_matrix/client/v3/login")[0]?.body).toMatchObject({
      type: "org.matrix.login.jwt",
      token: "jwt-1",
      device_id: "WEBDEVICE",
    });
  });

  it("shows the sign-in page with an explanation when the stored session has expired", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/refresh", unknownToken);
    const { hint } = renderApp(bridge, { path: "/settings" });

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(
      "Your session has ended. Please sign in again.",
    );
    expect(hint.get()).toBe(false);
  });

  it("keeps the session for the next reload when the bridge is restarting during the check", async () => {
    const bridge = new FakeBridge().on("POST", "/api/auth/refresh", () =>
      json(502, {
        errcode: "M_UNAVAILABLE",
        error: "the service is not reachable; try again shortly",
      }),
    );
    const { hint } = renderApp(bridge);

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Couldn't reach Xstream");
    expect(hint.get()).toBe(true);
  });

  it("returns to sign-in with an explanation when a request gets 401 and the refresh fails", async () => {
    const bridge = FakeBridge.signedIn()
      .on("POST", "/api/auth/refresh", () => json(200, { user: ANA }), unknownToken)
      .on("POST", "/api/auth/matrix-token", unknownToken);
    const { matrix } = renderApp(bridge);

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(
      "Your session has ended. Please sign in again.",
    );
    expect(bridge.calls("POST", "/api/auth/refresh")).toHaveLength(2);
    expect(matrix.clients).toHaveLength(0);
  });

  it("shows a wrong password in the alert, then signs in and goes home", async () => {
    const bridge = FakeBridge.signedIn().on(
      "POST",
      "/api/auth/login",
      () => json(403, { errcode: "M_FORBIDDEN", error: "Invalid username or password" }),
      signInAnswer,
    );
    const { user, hint } = renderApp(bridge, { signedInBefore: false });

    await user.type(await screen.findByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Password"), "wrong-password{Enter}");

    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid username or password");
    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "right-password{Enter}");

    expect(await screen.findByRole("heading", { name: "Hello, Ana Lima" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/");
    expect(bridge.calls("POST", "/api/auth/login")[1]?.body).toEqual({
      username: "ana",
      password: "right-password",
    });
    expect(await screen.findByText(CONNECTED)).toBeInTheDocument();
    expect(hint.get()).toBe(true);
    // Matrix logged in with the token the sign-in brought: no extra round trip for one.
    expect(bridge.calls("POST", "/api/auth/matrix-token")).toEqual([]);
    expect(bridge.calls("POST", "/_matrix/client/v3/login")[0]?.body).toMatchObject({
      token: "jwt-signin",
    });
  });

  it("goes from sign-in to sign-up and places the server's refusals on the right fields", async () => {
    const bridge = FakeBridge.signedIn().on("POST", "/api/auth/signup", () =>
      json(409, { errcode: "M_USER_IN_USE", error: "User ID already taken", field: "username" }),
    );
    const { user } = renderApp(bridge, { signedInBefore: false });

    await user.click(await screen.findByRole("button", { name: "Create an account" }));
    expect(screen.getByRole("heading", { name: "Create your account" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/signup");

    await user.type(screen.getByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Display name"), "Ana Lima");
    await user.type(screen.getByLabelText("Password"), "tangerine-sky");
    await user.type(screen.getByLabelText("Confirm password"), "tangerine-sky");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    const username = screen.getByLabelText("Username");
    await waitFor(() => expect(username).toHaveAttribute("aria-invalid", "true"));
    expect(username).toHaveAccessibleDescription(
      expect.stringContaining("That username is taken. Try another one."),
    );
    expect(username).toHaveFocus();
    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");

    bridge.on("POST", "/api/auth/signup", () =>
      json(400, {
        errcode: "M_WEAK_PASSWORD",
        error: "This password is too common",
        field: "password",
      }),
    );
    await user.type(username, "2");
    expect(username).not.toHaveAttribute("aria-invalid");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    const password = screen.getByLabelText("Password");
    await waitFor(() =>
      expect(password).toHaveAccessibleDescription(
        expect.stringContaining("This password is too common"),
      ),
    );
    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");
    expect(bridge.calls("POST", "/api/auth/signup")[1]?.body).toEqual({
      username: "ana2",
      displayName: "Ana Lima",
      password: "tangerine-sky",
    });
  });

  it("signs up straight into onboarding, then on to partner suggestions", async () => {
    const bridge = FakeBridge.signedIn()
      .on("POST", "/api/auth/signup", () => json(201, { user: ANA }))
      .on("GET", "/api/languages", () => json(200, { languages: LANGUAGES }))
      .on("GET", "/api/profile", () => json(200, { profile: null }))
      .on("PUT", "/api/profile", () => json(200, { profile: profile() }))
      .on("GET", "/api/partners/suggestions", () => json(200, { suggestions: [suggestion()] }));
    const { user, matrix } = renderApp(bridge, { signedInBefore: false, path: "/signup" });

    await user.type(await screen.findByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Display name"), "Ana Lima");
    await user.type(screen.getByLabelText("Password"), "tangerine-sky");
    await user.type(screen.getByLabelText("Confirm password"), "tangerine-sky{Enter}");

    expect(
      await screen.findByRole("heading", { level: 1, name: "Set up your profile" }),
    ).toBeInTheDocument();
    expect(window.location.pathname).toBe("/welcome");
    await waitFor(() => expect(matrix.clients).toHaveLength(1));

    await user.type(
      await screen.findByRole("combobox", { name: "Native languages" }),
      "portuguese{Enter}",
    );
    await user.type(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
      "spanish{Enter}",
    );
    await user.selectOptions(screen.getByLabelText("Level"), "B1");
    await user.click(screen.getByRole("button", { name: "Save and find partners" }));

    expect(
      await screen.findByRole("heading", { level: 1, name: "Find partners" }),
    ).toBeInTheDocument();
    expect(window.location.pathname).toBe("/partners/find");
    expect(await screen.findByRole("article", { name: "Bob Silva" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Find partners" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("shows the number of incoming requests on the Requests link, and opens them", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/api/partners/requests", () =>
      json(200, {
        incoming: [partnerRequest(), partnerRequest({ id: "req-2", requester: CARLA })],
        outgoing: [],
      }),
    );
    const { user } = renderApp(bridge);

    const requests = await screen.findByRole("link", { name: "Requests, 2 pending" });
    await user.click(requests);

    const heading = await screen.findByRole("heading", { level: 1, name: "Requests" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(window.location.pathname).toBe("/partners/requests");
    expect(await screen.findByText("Carla Ruiz")).toBeInTheDocument();
  });

  it("lists the chats under Chats, right after Home", async () => {
    const bridge = FakeBridge.signedIn();
    window.history.replaceState(null, "", "/");
    const matrix = fakeMatrixSdk();
    const client = new FakeRoomListClient(ANA.matrixUserId);
    client.rooms.set(
      "!book:example.org",
      joinedRoom("!book:example.org", [], { explicitName: "Book club" }),
    );
    const sdk = { ...matrix.sdk, createClient: () => client.asClient() };
    const services = createAppServices({
      fetch: bridge.fetch,
      locks: null,
      loadSdk: async () => sdk,
      hint: memorySessionHint(true),
      remembered: memoryRememberedUser(),
      origin: "http://localhost:3000",
    });
    const user = userEvent.setup();
    render(<App services={services} />);

    const nav = await screen.findByRole("navigation", { name: "Main" });
    const links = within(nav).getAllByRole("link");
    expect(links.slice(0, 2).map((link) => link.textContent)).toEqual(["Home", "Chats"]);
    await user.click(within(nav).getByRole("link", { name: "Chats" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Chats" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/chats");
    expect(within(nav).getByRole("link", { name: "Chats" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await user.click(await screen.findByRole("link", { name: "Book club" }));
    expect(window.location.pathname).toBe("/rooms/!book%3Aexample.org");
  });

  it("opens a partner's room from its address", async () => {
    const bridge = FakeBridge.signedIn();
    const { matrix } = renderApp(bridge, { path: "/rooms/!room1%3Aexample.org" });

    expect(
      await screen.findByText("Waiting for your invitation", { exact: false }),
    ).toBeInTheDocument();
    expect(matrix.clients).toHaveLength(1);
    const room = new FakeRoom("!room1:example.org", {
      myUserId: ANA.matrixUserId,
      creator: "@xstream:example.org",
    });
    room.setMember(ANA.matrixUserId, "Ana Lima", "invite");
    room.setMember("@bob:example.org", "Bob Silva", "join");
    act(() => matrix.clients[0]?.addRoom(room));

    expect(await screen.findByRole("heading", { level: 1, name: "Bob Silva" })).toBeInTheDocument();
    expect(matrix.clients[0]?.joinRoom).toHaveBeenCalledWith("!room1:example.org");
  });

  it("signs out: logs out on the server, stops Matrix and says so", async () => {
    const bridge = FakeBridge.signedIn();
    const { user, matrix, hint } = renderApp(bridge);
    await screen.findByText(CONNECTED);

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("You have signed out.");
    expect(bridge.calls("POST", "/api/auth/logout")).toHaveLength(1);
    expect(matrix.clients[0]?.stopClient).toHaveBeenCalled();
    expect(hint.get()).toBe(false);
  });

  it("stays signed in and says why when the server cannot be told about the sign-out", async () => {
    const bridge = FakeBridge.signedIn().on(
      "POST",
      "/api/auth/logout",
      () => new Response("Bad gateway", { status: 502 }),
    );
    const { user } = renderApp(bridge);
    await screen.findByText(CONNECTED);

    await user.click(screen.getByRole("button", { name: "Sign out" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(/HTTP 502/);
    expect(screen.getByRole("heading", { name: "Hello, Ana Lima" })).toBeInTheDocument();
    expect(await screen.findByText(CONNECTED)).toBeInTheDocument();
  });

  it("changes the password in settings and logs in to Matrix again", async () => {
    const bridge = FakeBridge.signedIn().on("POST", "/api/auth/password", () =>
      json(200, { user: ANA }),
    );
    const { user, matrix } = renderApp(bridge);
    await screen.findByText(CONNECTED);

    await user.click(screen.getByRole("link", { name: "Settings" }));
    expect(window.location.pathname).toBe("/settings");
    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toHaveFocus();

    await user.type(screen.getByLabelText("Current password"), "old-password-1");
    await user.type(screen.getByLabelText("New password"), "tangerine-sky");
    await user.type(screen.getByLabelText("Confirm password"), "tangerine-sky");
    await user.click(screen.getByRole("button", { name: "Change password" }));

    const form = screen.getByRole("button", { name: "Change password" }).closest("section");
    expect(
      await within(form as HTMLElement).findByText(/Your password has been changed/),
    ).toBeInTheDocument();
    expect(bridge.calls("POST", "/api/auth/password")[0]?.body).toEqual({
      currentPassword: "old-password-1",
      newPassword: "tangerine-sky",
    });
    await waitFor(() => expect(matrix.clients).toHaveLength(2));
    expect(matrix.clients[0]?.stopped).toBe(true);
    expect(bridge.calls("POST", "/_matrix/client/v3/login")).toHaveLength(2);
  });

  it("shows a wrong current password on its field", async () => {
    const bridge = FakeBridge.signedIn().on("POST", "/api/auth/password", () =>
      json(403, { errcode: "M_FORBIDDEN", error: "Wrong password", field: "currentPassword" }),
    );
    const { user, matrix } = renderApp(bridge, { path: "/settings" });

    await user.type(await screen.findByLabelText("Current password"), "not-my-password");
    await user.type(screen.getByLabelText("New password"), "tangerine-sky");
    await user.type(screen.getByLabelText("Confirm password"), "tangerine-sky{Enter}");

    const current = screen.getByLabelText("Current password");
    await waitFor(() =>
      expect(current).toHaveAccessibleDescription("That isn't your current password"),
    );
    expect(current).toHaveFocus();
    expect(screen.queryByText(/Your password has been changed/)).not.toBeInTheDocument();
    expect(matrix.clients).toHaveLength(1);
  });

  it("brings a person whose session ended back to the page they were on", async () => {
    const bridge = FakeBridge.signedIn()
      .on("POST", "/api/auth/refresh", unknownToken)
      .on("POST", "/api/auth/login", signInAnswer);
    const { user } = renderApp(bridge, { path: "/settings" });

    await user.type(await screen.findByLabelText("Username"), "ana");
    await user.type(screen.getByLabelText("Password"), "right-password{Enter}");

    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/settings");
  });
});
