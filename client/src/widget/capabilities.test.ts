// Capability negotiation through matrix-widget-api's real host side (ClientWidgetApi, as Element
// runs it) and widget side, with a driver that approves what a user would leave ticked.
import { describe, expect, it } from "vitest";
import type { ExchangeCapability } from "../features/exchange";
import { fakeWidgetHostPerTest } from "../test/widgetHost";
import { grantedCapabilities, REQUESTED_CAPABILITIES, WIDGET_CAPABILITIES } from "./capabilities";

const widgetHost = fakeWidgetHostPerTest();

const PORT_CAPABILITIES: ExchangeCapability[] = [
  "read_messages",
  "send_correction",
  "read_timer",
  "set_timer",
  "read_members",
  "openid",
];

async function negotiate(approve?: (requested: ReadonlySet<string>) => Iterable<string>) {
  const { host, session } = await widgetHost.connect(approve ? { approve } : {});
  const granted = PORT_CAPABILITIES.filter((capability) => session.port.granted(capability));
  return { session, granted, requested: host.driver.requested };
}

describe("the widget's capabilities", () => {
  it("asks for exactly what the panel uses: text messages both ways, the timer both ways, membership", async () => {
    const { requested } = await negotiate();
    expect([...requested].sort()).toEqual(
      [
        "org.matrix.msc2762.receive.event:m.room.message#m.text",
        "org.matrix.msc2762.send.event:m.room.message#m.text",
        "org.matrix.msc2762.receive.state_event:org.xstream.practice_timer#",
        "org.matrix.msc2762.send.state_event:org.xstream.practice_timer#",
        "org.matrix.msc2762.receive.state_event:m.room.member",
      ].sort(),
    );
    // Nothing beyond this room, no other event types, nothing ambient.
    expect([...requested].some((c) => c.includes("timeline:"))).toBe(false);
    expect(REQUESTED_CAPABILITIES).toHaveLength(requested.size);
  });

  it("grants everything when the user approves everything", async () => {
    const { granted } = await negotiate();
    expect(granted).toEqual(PORT_CAPABILITIES);
  });

  it.each(Object.entries(WIDGET_CAPABILITIES))(
    "with %s unticked, grants everything else",
    async (refused, raw) => {
      const { granted } = await negotiate((requested) =>
        [...requested].filter((capability) => capability !== raw),
      );
      expect(granted).toEqual(PORT_CAPABILITIES.filter((capability) => capability !== refused));
    },
  );

  it("grants only OpenID when the user approves nothing", async () => {
    const { granted } = await negotiate(() => []);
    expect(granted).toEqual(["openid"]);
  });

  it("does not count capabilities the host approved but the widget never asked for", () => {
    const granted = grantedCapabilities([
      "org.matrix.msc2762.send.event:m.room.message",
      "org.matrix.msc2762.timeline:*",
    ]);
    expect([...granted]).toEqual(["openid"]);
  });

  it("negotiates when the host waits for the page to say it is listening, as the bot's widget asks", async () => {
    const { session } = widgetHost.open({ waitForIframeLoad: false });
    // No load event: the widget's content_loaded alone starts the negotiation.
    await session.ready;
    expect(session.port.granted("send_correction")).toBe(true);
  });

  it("grants nothing before the host has answered", () => {
    const { session } = widgetHost.open();
    expect(PORT_CAPABILITIES.filter((capability) => session.port.granted(capability))).toEqual([]);
  });
});
