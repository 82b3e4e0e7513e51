// The exchange widget inside a real widget host: a page on another origin that frames
// /widget/exchange and drives it with matrix-widget-api's ClientWidgetApi (Element's host side)
// over a learner's real Synapse session, granting capabilities as Element's dialog would. The
// partner watches the same partner room in Xstream's web client.

import type { IWidget } from "matrix-widget-api";
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signedInInRoom,
  signUpLearner,
} from "./learners.ts";
import { eventually, matrixRequest, sendEvent } from "./matrix.ts";
import { joinedPartnerRoom } from "./partner-room.ts";
import { message } from "./room-page.ts";
import type { WidgetHostConfig, WidgetHostRecord } from "./widget-host/host.ts";
import { serveWidgetHost, type WidgetHostServer } from "./widget-host/serve.ts";

const stack = inject("stack");
const BOT = `@xstream:${stack.serverName}`;
const chromium = useChromium();

const CAPABILITIES = {
  readMessages: "org.matrix.msc2762.receive.event:m.room.message#m.text",
  sendMessages: "org.matrix.msc2762.send.event:m.room.message#m.text",
  readTimer: "org.matrix.msc2762.receive.state_event:org.xstream.practice_timer#",
  setTimer: "org.matrix.msc2762.send.state_event:org.xstream.practice_timer#",
  readMembers: "org.matrix.msc2762.receive.state_event:m.room.member",
};

function profile(native: string[], learning: [string, string][]) {
  return {
    native,
    learning: learning.map(([language, level]) => ({ language, level })),
    interests: ["cooking"],
    timezone: "Europe/Lisbon",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "",
    discoverable: true,
  };
}

/** Two learners with profiles, connected through a partner request: the bot's partner room. */
async function partnersInRoom(): Promise<{ ana: Learner; ben: Learner; roomId: string }> {
  const [ana, ben] = await Promise.all([
    signUpLearner(stack, "Ana Lima"),
    signUpLearner(stack, "Ben Okafor"),
  ]);
  for (const [learner, body] of [
    [ana, profile(["pt"], [["en", "B1"]])],
    [ben, profile(["en"], [["pt", "A2"]])],
  ] as const) {
    const saved = await learner.session.request("PUT", "/api/profile", body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }
  const roomId = await joinedPartnerRoom(stack, ana, ben);
  return { ana, ben, roomId };
}

/**
 * The room's Xstream widget as Element reads it: the bot's `im.vector.modular.widgets` state
 * event, its state key the widget id and its sender the creator (Element's WidgetUtils).
 */
async function roomWidget(learner: Learner, roomId: string): Promise<IWidget> {
  const content = await eventually(
    () =>
      matrixRequest<Record<string, unknown>>(
        stack.publicUrl,
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/im.vector.modular.widgets/xstream_exchange`,
        { token: learner.matrix.accessToken },
      ),
    "the Xstream widget in the partner room",
  );
  return { ...content, id: "xstream_exchange", creatorUserId: BOT } as unknown as IWidget;
}

interface HostedWidget {
  opened: BrowserPage;
  frame: FrameLocator;
  record(): Promise<WidgetHostRecord>;
}

/** Opens the host page as `learner` in the partner room, with the widget framed in it. */
async function hostWidget(
  host: WidgetHostServer,
  learner: Learner,
  roomId: string,
  options: { refuse?: string[]; openId?: "allow" | "ask" } = {},
): Promise<HostedWidget> {
  // A plain browser context: the host stands for Element, not Xstream's web client, so none of
  // the web client's test settings (openPage's) apply in it or in the widget it frames.
  const context = await chromium().newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const opened: BrowserPage = { context, page, errors: [] };
  page.on("pageerror", (error) => opened.errors.push(error.message));
  await page.goto(host.url);
  const config: WidgetHostConfig = {
    homeserverUrl: stack.publicUrl,
    accessToken: learner.matrix.accessToken,
    userId: learner.matrix.userId,
    displayName: learner.displayName,
    roomId,
    widget: await roomWidget(learner, roomId),
    refuse: options.refuse ?? [],
    openId: options.openId ?? "ask",
    theme: "light",
  };
  await page.evaluate((hostConfig) => window.startWidgetHost(hostConfig), config);
  return {
    opened,
    frame: page.frameLocator("iframe"),
    record: () => page.evaluate(() => window.widgetHost),
  };
}

let host: WidgetHostServer;
const pages: BrowserPage[] = [];

beforeAll(async () => {
  host = await serveWidgetHost();
});

afterAll(async () => {
  await Promise.all(pages.map(({ context }) => context.close()));
  await host?.close();
});

describe("the widget page at the edge", () => {
  async function headers(path: string) {
    const response = await fetch(`${stack.publicUrl}${path}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it("may be framed by any origin, and loads the widget's bundle, not the web client's", async () => {
    const widget = await headers(
      "/widget/exchange?roomId=%21a%3Alocalhost&widgetId=x&parentUrl=https%3A%2F%2Felement.example",
    );
    expect(widget.status).toBe(200);
    const csp = widget.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors * vector:");
    expect(csp).toContain("script-src 'self'");
    expect(widget.headers.get("x-frame-options")).toBeNull();
    expect(widget.text).toMatch(/src="\/assets\/widget-[^"]+\.js"/);
    expect(widget.text).not.toMatch(/\/assets\/main-[^"]+\.js/);
  });

  it.each(["/", "/rooms/abc", "/widget/exchange/more", "/widget.html"])(
    "keeps %s unframeable",
    async (path) => {
      const page = await headers(path);
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(page.headers.get("x-frame-options")).toBe("DENY");
    },
  );
});

describe("the widget page opened wrongly", () => {
  it.each([
    [
      "a garbage parentUrl",
      "?roomId=%21a%3Alocalhost&userId=%40a%3Alocalhost&widgetId=x&parentUrl=%00%3Cscript%3E",
      /broken link/,
    ],
    ["no query at all", "", /broken link/],
    [
      "a good link outside any client",
      "?roomId=%21a%3Alocalhost&userId=%40a%3Alocalhost&widgetId=x&parentUrl=https%3A%2F%2Felement.example",
      /Open Xstream from your Matrix client/,
    ],
  ])("says what is wrong with %s, without an error", async (_, query, title) => {
    const opened = await openPage(chromium());
    pages.push(opened);
    await opened.page.goto(`${stack.publicUrl}/widget/exchange${query}`);
    await expect(opened.page.getByRole("alert").textContent()).resolves.toMatch(title);
    expect(opened.errors).toEqual([]);
  });
});

describe("the widget in a real widget host", () => {
  let ana: Learner;
  let ben: Learner;
  let roomId: string;
  let benPage: Page;
  let widget: HostedWidget;

  beforeAll(async () => {
    ({ ana, ben, roomId } = await partnersInRoom());
    const benBrowser = await signedInInRoom(chromium(), stack, ben, roomId, {
      colorScheme: "dark",
    });
    pages.push(benBrowser);
    benPage = benBrowser.page;
    widget = await hostWidget(host, ana, roomId);
    pages.push(widget.opened);
  });

  it("asks for exactly the panel's capabilities and shows both partners' languages and levels", async () => {
    const partner = widget.frame.getByRole("article", { name: "Ben Okafor" });
    await partner.waitFor({ timeout: 30_000 });
    await expect(partner.textContent()).resolves.toMatch(/Speaks\s*English/);
    await expect(partner.textContent()).resolves.toMatch(/Learns\s*Portuguese\s*A2/);
    const you = widget.frame.getByRole("article", { name: "You (Ana Lima)" });
    await expect(you.textContent()).resolves.toMatch(/Learns\s*English\s*B1/);

    const record = await widget.record();
    expect(record.requested.sort()).toEqual(Object.values(CAPABILITIES).sort());
    // Element asked the user before handing out the OpenID token, once.
    expect(record.openIdAsks).toBe(1);
    expect(record.errors).toEqual([]);
    await widget.opened.page.screenshot({ path: artifactPath("widget-host.png") });
  });

  it("sends a correction that Ben's web client shows as a word-level diff", async () => {
    await sendEvent(stack.publicUrl, ben.matrix.accessToken, roomId, {
      msgtype: "m.text",
      body: "Eu tenho vinte ano",
    });
    const pick = widget.frame.getByRole("radio", { name: "Eu tenho vinte ano" });
    await pick.waitFor({ timeout: 20_000 });
    await pick.check();
    const draft = widget.frame.getByRole("textbox", { name: "Corrected text" });
    await draft.fill("Eu tenho vinte anos");
    await widget.frame.getByRole("button", { name: "Send correction" }).click();

    const correction = message(benPage, "Eu tenho vinte ano").getByRole("region", {
      name: "Correction by Ana Lima",
    });
    await correction.waitFor({ timeout: 20_000 });
    // Removed words are struck through and added ones marked (each announced as such).
    await expect(correction.locator("del").allTextContents()).resolves.toEqual([
      expect.stringMatching(/\bano$/),
    ]);
    await expect(correction.locator("ins").allTextContents()).resolves.toEqual([
      expect.stringMatching(/\banos$/),
    ]);
    // The widget lists it among the room's corrections too, from the host's live feed.
    await widget.frame
      .getByRole("list", { name: "Corrections in this room" })
      .getByText(/^You corrected /)
      .waitFor({ timeout: 20_000 });
    const sent = (await widget.record()).sent.filter((event) => event.type === "m.room.message");
    expect(sent).toHaveLength(1);
  });

  it("starts the practice timer in the widget, and Ben's web client switches with it", async () => {
    await widget.frame.getByRole("button", { name: "Start the timer" }).click();
    const speaking = widget.frame.getByText(/^Speaking /);
    await speaking.waitFor({ timeout: 20_000 });
    const language = ((await speaking.textContent()) ?? "").replace(/^Speaking /, "").trim();
    expect(["English", "Portuguese"]).toContain(language);
    // Ben's header shows the same turn, read from the same room state event.
    await benPage
      .getByText(new RegExp(`Speaking ${language} · \\d+:\\d\\d left`))
      .waitFor({ timeout: 20_000 });
    const timer = await matrixRequest<{ minutes?: number; languages?: string[] }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.xstream.practice_timer/`,
      { token: ben.matrix.accessToken },
    );
    expect(timer.languages).toHaveLength(2);
    await benPage.screenshot({ path: artifactPath("widget-timer-web-client.png") });

    await widget.frame.getByRole("button", { name: "Stop the timer" }).click();
    await benPage.getByText(/Speaking .* left/).waitFor({ state: "detached", timeout: 20_000 });
    expect(widget.opened.errors).toEqual([]);
  });

  it("with sending refused, disables Correct and says why", async () => {
    const refused = await hostWidget(host, ana, roomId, {
      refuse: ["org.matrix.msc2762.send.event:"],
      openId: "allow",
    });
    pages.push(refused.opened);
    const correct = refused.frame.getByRole("button", { name: "Send correction" });
    await correct.waitFor({ timeout: 30_000 });
    await expect(correct.isDisabled()).resolves.toBe(true);
    const reason = refused.frame.getByText(/Correct is off: .* not allowed to send messages/);
    await reason.waitFor();
    // The reason is the button's description, for screen readers too.
    const describedBy = await correct.getAttribute("aria-describedby");
    await expect(reason.getAttribute("id")).resolves.toBe(describedBy);
    // What was granted still works: the partner's languages show.
    await refused.frame.getByRole("article", { name: "Ben Okafor" }).waitFor({ timeout: 20_000 });
    const record = await refused.record();
    expect(record.approved).not.toContain(CAPABILITIES.sendMessages);
    expect(record.approved).toContain(CAPABILITIES.setTimer);
    expect(record.sent).toEqual([]);
  });
});
