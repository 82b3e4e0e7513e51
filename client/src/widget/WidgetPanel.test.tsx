// The shared panel over the widget's port and matrix-widget-api's real host side: what the
// person sees with everything approved, with sending unticked, and with OpenID refused.

import { render, screen } from "@testing-library/react";
import type { WidgetExchangeResponse } from "@xstream/contract";
import { describe, expect, it, vi } from "vitest";
import type { FetchExchangePeople } from "../features/exchange";
import { fakeWidgetHostPerTest } from "../test/widgetHost";
import { WIDGET_CAPABILITIES } from "./capabilities";
import {
  type FakeHostOptions,
  membership,
  PARTNER,
  ROOM_ID,
  textMessage,
  VIEWER,
} from "./fakeWidgetHost";
import { WidgetPanel } from "./WidgetPanel";

const widgetHost = fakeWidgetHostPerTest();

const PEOPLE: WidgetExchangeResponse = {
  viewer: {
    user_id: VIEWER,
    display_name: "Ana Lima",
    native: ["pt"],
    learning: [{ language: "en", level: "B1" }],
    organisation: null,
  },
  partner: {
    user_id: PARTNER,
    display_name: "Ben Okafor",
    native: ["en"],
    learning: [{ language: "pt", level: "A2" }],
    organisation: null,
  },
};

async function showPanel(options: FakeHostOptions) {
  const { host, session } = await widgetHost.connect({
    timeline: [textMessage("Eu tenho vinte ano")],
    state: [membership(VIEWER, "join"), membership(PARTNER, "join")],
    ...options,
  });
  const people = vi.fn<FetchExchangePeople>(async () => PEOPLE);
  render(<WidgetPanel port={session.port} people={people} />);
  return { host, people };
}

describe("WidgetPanel", () => {
  it("shows both partners from the bridge, asked with the host's OpenID token, and the partner's message to correct", async () => {
    const { people } = await showPanel({});
    expect(await screen.findByRole("article", { name: "Ben Okafor" })).toHaveTextContent(
      /Portuguese\s*A2/,
    );
    expect(people).toHaveBeenCalledWith(
      ROOM_ID,
      expect.objectContaining({ access_token: "openid-1" }),
    );
    expect(await screen.findByRole("radio", { name: "Eu tenho vinte ano" })).toBeInTheDocument();
  });

  it("disables Correct and says why when sending was unticked", async () => {
    await showPanel({
      approve: (requested) =>
        [...requested].filter((capability) => capability !== WIDGET_CAPABILITIES.send_correction),
    });
    const send = await screen.findByRole("button", { name: "Send correction" });
    expect(send).toBeDisabled();
    expect(send).toHaveAccessibleDescription(/not allowed to send messages/);
  });

  it("says the user refused to be identified, and stops asking", async () => {
    const { host, people } = await showPanel({ openId: "block" });
    // The host asks the user only when the token is requested; their refusal turns the part off
    // with the reason at once, not as a failure with "Try again" that would ask them again.
    expect(
      await screen.findByText(
        /Languages and levels are hidden: .* not allowed to confirm who you are/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    expect(host.driver.openIdAsks).toBe(1);
    expect(people).not.toHaveBeenCalled();
  });
});
