// Learners for the chat tests: web-client accounts made through the bridge's /api (with a Matrix
// session of their own for set-up through the client-server API), rooms they share, and browser
// pages signed in as them.
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import type { StackInfo } from "./harness.ts";
import { type MatrixUser, matrixRequest } from "./matrix.ts";
import { jwtLogin, strongPassword, WebSession } from "./web-session.ts";

export interface Learner {
  username: string;
  password: string;
  displayName: string;
  session: WebSession;
  /** A Matrix session of the same user (its own device), for set-up and checks over the C-S API. */
  matrix: MatrixUser;
}

/** A name no other test uses, so tests sharing one stack never see each other's people. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

/** Signs a learner up through the bridge and logs them in to Synapse the way the client does. */
export async function signUpLearner(stack: StackInfo, displayName: string): Promise<Learner> {
  const username = uniqueName(displayName.split(" ")[0]?.toLowerCase() ?? "learner");
  const password = strongPassword();
  const session = new WebSession(stack.publicUrl);
  const signup = await session.signup(username, password, displayName);
  expect(signup.status, JSON.stringify(signup.body)).toBe(201);
  const minted = await session.matrixToken();
  expect(minted.status, JSON.stringify(minted.body)).toBe(200);
  const login = await jwtLogin(stack.publicUrl, minted.body.token, minted.body.device_id);
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  return {
    username,
    password,
    displayName,
    session,
    matrix: {
      userId: signup.body.user.matrixUserId,
      accessToken: login.body.access_token ?? "",
      deviceId: login.body.device_id ?? minted.body.device_id,
    },
  };
}

/** A private room `owner` creates and every guest joins; direct when there is one guest. */
export async function createSharedRoom(
  stack: StackInfo,
  owner: Learner,
  guests: Learner[],
  options: { name?: string; initialState?: unknown[] } = {},
): Promise<string> {
  const direct = guests.length === 1;
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    stack.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    {
      token: owner.matrix.accessToken,
      body: {
        preset: "private_chat",
        is_direct: direct,
        invite: guests.map((guest) => guest.matrix.userId),
        ...(options.name ? { name: options.name } : {}),
        ...(options.initialState ? { initial_state: options.initialState } : {}),
      },
    },
  );
  for (const guest of guests) {
    await matrixRequest(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      { token: guest.matrix.accessToken, body: {} },
    );
  }
  return roomId;
}

export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors on the page; a test ends by expecting none. */
  errors: string[];
}

/**
 * A fresh browser context (its own cookies and storage) with one page; `permissions` are granted
 * up front, and `initScript` runs in every page before the app's own scripts.
 */
export async function openPage(
  browser: Browser,
  options: {
    colorScheme?: "light" | "dark";
    viewport?: { width: number; height: number };
    permissions?: string[];
    initScript?: Parameters<BrowserContext["addInitScript"]>[0];
  } = {},
): Promise<BrowserPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? "light",
    // Only when asked: an explicit empty list makes Chromium deny what it would otherwise ask.
    ...(options.permissions && { permissions: options.permissions }),
  });
  // `XSTREAM_E2E_SYNC=sliding` or `v2` runs the browser tests with the client pinned to one way
  // of syncing (by default it chooses as for a learner).
  const sync = process.env.XSTREAM_E2E_SYNC;
  if (sync === "sliding" || sync === "v2") {
    await context.addInitScript(`localStorage.setItem("xstream:sync", ${JSON.stringify(sync)})`);
  }
  if (options.initScript !== undefined) await context.addInitScript(options.initScript);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Signs in on the sign-in page and waits until the app is connected to Matrix. */
export async function signInInBrowser(page: Page, stack: StackInfo, learner: Learner) {
  await page.goto(stack.publicUrl);
  await page.getByLabel("Username").fill(learner.username);
  await page.getByLabel("Password").fill(learner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Opens a room's page and waits for its timeline. */
export async function openRoom(page: Page, stack: StackInfo, roomId: string) {
  await page.goto(`${stack.publicUrl}/rooms/${encodeURIComponent(roomId)}`);
  await page.getByRole("log", { name: "Messages" }).waitFor({ timeout: 30_000 });
}

/** A fresh browser context signed in as `learner`, on the page of `roomId`. */
export async function signedInInRoom(
  browser: Browser,
  stack: StackInfo,
  learner: Learner,
  roomId: string,
  options: Parameters<typeof openPage>[1] = {},
): Promise<BrowserPage> {
  const opened = await openPage(browser, options);
  await signInInBrowser(opened.page, stack, learner);
  await openRoom(opened.page, stack, roomId);
  return opened;
}

export interface LearnersInRoom {
  first: Learner;
  second: Learner;
  /** Their direct room, which `first` created. */
  roomId: string;
  /** `first`'s and `second`'s browser, each signed in on the room's page. */
  firstPage: BrowserPage;
  secondPage: BrowserPage;
}

/**
 * Two learners who share a direct room, each signed in on its page in a browser context of
 * their own; the second in the dark theme unless told otherwise, so screenshots show both.
 * `prepare` runs after signing up, before the pages open (e.g. to save a profile).
 */
export async function twoLearnersInRoom(
  browser: Browser,
  stack: StackInfo,
  options: {
    names?: [string, string];
    secondColorScheme?: "light" | "dark";
    /** How the room is made, e.g. encrypted from the start. */
    room?: Parameters<typeof createSharedRoom>[3];
    prepare?: (first: Learner, second: Learner) => Promise<void>;
  } = {},
): Promise<LearnersInRoom> {
  const [firstName, secondName] = options.names ?? ["Ana Lima", "Ben Okafor"];
  const [first, second] = await Promise.all([
    signUpLearner(stack, firstName),
    signUpLearner(stack, secondName),
  ]);
  await options.prepare?.(first, second);
  const roomId = await createSharedRoom(stack, first, [second], options.room);
  const [firstPage, secondPage] = await Promise.all([
    signedInInRoom(browser, stack, first, roomId),
    signedInInRoom(browser, stack, second, roomId, {
      colorScheme: options.secondColorScheme ?? "dark",
    }),
  ]);
  return { first, second, roomId, firstPage, secondPage };
}
