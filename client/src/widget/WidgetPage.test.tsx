import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { fakeWidgetHostPerTest } from "../test/widgetHost";
import { ROOM_ID, VIEWER } from "./fakeWidgetHost";
import { WidgetPage } from "./WidgetPage";
import { acceptMessagesOnlyFrom } from "./widgetSession";
import { parseWidgetParams } from "./widgetUrl";

const widgetHost = fakeWidgetHostPerTest();

const GOOD = `?${new URLSearchParams({
  roomId: ROOM_ID,
  userId: VIEWER,
  widgetId: "xstream_exchange",
  parentUrl: `${window.location.origin}/element`,
})}`;

const panel = () => <p>the panel</p>;

describe("WidgetPage", () => {
  it("says what is wrong with a broken link, and never contacts a host", () => {
    render(
      <WidgetPage
        parsed={parseWidgetParams("?roomId=%24matrix_room_id&parentUrl=javascript%3Aalert(1)")}
        framed
        session={undefined}
        renderPanel={panel}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent(
      "This Xstream widget was opened with a broken link",
    );
    expect(screen.getByText("parentUrl is missing or not an http(s) URL")).toBeInTheDocument();
  });

  it("asks to be opened from a Matrix client when it is not in a frame", () => {
    render(
      <WidgetPage
        parsed={parseWidgetParams(GOOD)}
        framed={false}
        session={undefined}
        renderPanel={panel}
      />,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Open Xstream from your Matrix client");
  });

  it("waits for the host and the user's approval, then shows the panel", async () => {
    const parsed = parseWidgetParams(GOOD);
    if (!parsed.ok) throw new Error("bad test URL");
    const { host, session } = widgetHost.open();
    render(<WidgetPage parsed={parsed} framed session={session} renderPanel={panel} />);
    expect(screen.getByRole("status")).toHaveTextContent("Connecting to your Matrix client…");
    host.load();
    expect(await screen.findByText("the panel")).toBeInTheDocument();
  });

  it("says so when the host never answers", async () => {
    const parsed = parseWidgetParams(GOOD);
    if (!parsed.ok) throw new Error("bad test URL");
    // The fake host is never loaded: nobody starts the negotiation.
    const { session } = widgetHost.open({}, { answerWithinMs: 50 });
    render(<WidgetPage parsed={parsed} framed session={session} renderPanel={panel} />);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The Matrix client around this page did not answer.",
    );
  });
});

describe("acceptMessagesOnlyFrom", () => {
  it("lets through only messages from the parent window at the host's origin", () => {
    const seen = vi.fn();
    const stop = acceptMessagesOnlyFrom(window, "https://element.example");
    window.addEventListener("message", seen);
    const post = (origin: string, source: Window | null) =>
      window.dispatchEvent(new MessageEvent("message", { data: { x: 1 }, origin, source }));
    try {
      post("https://element.example", window.parent);
      post("https://evil.example", window.parent);
      post("https://element.example", null);
      post("https://element.example.evil", window.parent);
    } finally {
      stop();
      window.removeEventListener("message", seen);
    }
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.calls[0]?.[0]).toMatchObject({ origin: "https://element.example" });
  });
});
