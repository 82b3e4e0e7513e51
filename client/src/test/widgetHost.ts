// For the widget's unit tests: a widget session opened against a fresh fake host (the library's
// real host side, fakeWidgetHost.ts), with the hooks every such test needs: the host stopped
// after each test, and matrix-widget-api's logging of every message it posts kept quiet.
import { afterEach, beforeEach, vi } from "vitest";
import {
  type FakeHost,
  type FakeHostOptions,
  fakeWidgetHost,
  ROOM_ID,
  VIEWER,
} from "../widget/fakeWidgetHost";
import { openWidgetSession, type WidgetSession } from "../widget/widgetSession";

/** How long the session waits for the host to start negotiating (the default is minutes). */
interface SessionOptions {
  answerWithinMs?: number;
}

export interface WidgetHostHarness {
  /** A session on a new host that has not loaded the widget yet: no capabilities, no answers. */
  open(
    options?: FakeHostOptions,
    sessionOptions?: SessionOptions,
  ): { host: FakeHost; session: WidgetSession };
  /** A session whose host has loaded the widget and negotiated capabilities. */
  connect(options?: FakeHostOptions): Promise<{ host: FakeHost; session: WidgetSession }>;
}

/** Call at the top of a test file; each test's host is stopped after it. */
export function fakeWidgetHostPerTest(): WidgetHostHarness {
  let host: FakeHost | undefined;
  beforeEach(() => {
    vi.spyOn(console, "log").mockImplementation(() => {});
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    vi.restoreAllMocks();
  });
  const open = (options: FakeHostOptions = {}, sessionOptions: SessionOptions = {}) => {
    const opened = fakeWidgetHost(options);
    host = opened;
    const session = openWidgetSession(
      {
        widgetId: "xstream_exchange",
        parentOrigin: window.location.origin,
        roomId: ROOM_ID,
        userId: VIEWER,
      },
      { ...sessionOptions, api: opened.widget },
    );
    return { host: opened, session };
  };
  return {
    open,
    async connect(options = {}) {
      const opened = open(options);
      opened.host.load();
      await opened.session.ready;
      return opened;
    },
  };
}
