// The exchange widget inside a real widget host: a page on another origin that frames
// /widget/exchange and drives it with matrix-widget-api's ClientWidgetApi (Element's host side)
// over a learner's real Synapse session, granting capabilities as Element's dialog would. The
// partner watches the same partner room in Xstream's web client.
import type { FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./browser.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signedInInRoom,
  signUpLearner,
} from "./learners.ts";
import { eventually, matrixRequest } from "./matrix.ts";
import type { WidgetHostConfig, WidgetHostRecord } from "./widget-host/host.ts";
import { serveWidgetHost, type WidgetHostServer } from "./widget-host/serve.ts";

const stack = inject("stack");
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
  const sent = await ana.session.request<{ request: { id: string } }>(
    "POST",
    "/api/partners/requests",
    { user_id: ben.matrix.userId },
  );
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  const accepted = await ben.session.request<{ partner: { room_id: string } }>(
    "POST",
    `/api/partners/requests/${sent.body.request.id}/accept`,
  );
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const roomId = accepted.body.partner.room_id;
  for (const learner of [ana, ben]) {
    await eventually(
      () =>
        matrixRequest(
          stack.publicUrl,
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
          { token: learner.matrix.accessToken, body: {} },
        ),
      `${learner.displayName} to join the partner room`,
    );
  }
  return { ana, ben, roomId };
}

/** The widget as the bot publishes it (`im.vector.modular.widgets`), or as Element would add it. */
function exchangeWidget(creator: string) {
  return {
    id: "xstream_exchange",
    creatorUserId: creator,
    type: "m.custom",
    name: "Xstream",
    url: `${stack.publicUrl}/widget/exchange?roomId=$matrix_room_id&userId=$matrix_user_id&displayName=$matrix_display_name&theme=$org.matrix.msc2873.client_theme`,
    data: {},
  };
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
  const opened = await openPage(chromium());
  const { page } = opened;
  page.on("console", (message) => {
    if (process.env.DEBUG_WIDGET)
      console.log(`[${message.type()}] ${message.text().slice(0, 400)}`);
  });
  await page.goto(host.url);
  const config: WidgetHostConfig = {
    homeserverUrl: stack.publicUrl,
    accessToken: learner.matrix.accessToken,
    userId: learner.matrix.userId,
    displayName: learner.displayName,
    roomId,
    widget: exchangeWidget(learner.matrix.userId),
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

describe("the widget in a real widget host", () => {
  let ana: Learner;
  let ben: Learner;
  let roomId: string;
  let benPage: Page;

  beforeAll(async () => {
    ({ ana, ben, roomId } = await partnersInRoom());
    const benBrowser = await signedInInRoom(chromium(), stack, ben, roomId, {
      colorScheme: "dark",
    });
    pages.push(benBrowser);
    benPage = benBrowser.page;
  });

  it("asks the host for exactly the panel's capabilities and connects", async () => {
    const widget = await hostWidget(host, ana, roomId);
    pages.push(widget.opened);
    await widget.frame
      .getByText(/Connected to this room/)
      .waitFor({ timeout: 30_000 })
      .catch(async (error) => {
        console.log(
          await widget.frame.locator("body").innerText().catch(String),
          await widget.record(),
        );
        throw error;
      });
    const record = await widget.record();
    expect(record.requested.sort()).toEqual(Object.values(CAPABILITIES).sort());
    expect(record.errors).toEqual([]);
    expect(widget.opened.errors).toEqual([]);
    expect(benPage).toBeDefined();
  });
});
