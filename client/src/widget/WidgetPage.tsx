// The widget page's states: opened wrongly, waiting for the host (and the user's approval in
// it), the host gone silent, or connected, when the exchange panel takes over.
import { type ReactNode, useEffect, useState } from "react";
import { Loading } from "../ui/LoadState";
import type { WidgetRoomPort } from "./widgetRoomPort";
import type { WidgetSession } from "./widgetSession";
import type { WidgetParamsResult } from "./widgetUrl";

export type WidgetPageProps = {
  parsed: WidgetParamsResult;
  /** Whether the page sits in a frame at all (a page opened on its own has no host to talk to). */
  framed: boolean;
  /**
   * The connection to the host, started before the first render when the URL is good and the
   * page is framed: the host asks for capabilities as soon as the frame has loaded, and a
   * widget still rendering would miss that message.
   */
  session: WidgetSession | undefined;
  renderPanel: (port: WidgetRoomPort) => ReactNode;
};

type Phase =
  | { kind: "connecting" }
  | { kind: "approving" }
  | { kind: "connected"; port: WidgetRoomPort }
  | { kind: "failed"; message: string };

function Problem({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="widget-problem" role="alert">
      <h1>{title}</h1>
      {children}
    </main>
  );
}

export function WidgetPage({ parsed, framed, session, renderPanel }: WidgetPageProps) {
  const [phase, setPhase] = useState<Phase>({ kind: "connecting" });

  useEffect(() => {
    if (!session) return;
    let live = true;
    session.asked.then(
      () => live && setPhase((now) => (now.kind === "connecting" ? { kind: "approving" } : now)),
      () => {},
    );
    session.ready.then(
      () => live && setPhase({ kind: "connected", port: session.port }),
      (error: unknown) =>
        live &&
        setPhase({
          kind: "failed",
          message:
            error instanceof Error ? error.message : "The Matrix client could not be reached.",
        }),
    );
    return () => {
      live = false;
    };
  }, [session]);

  if (!parsed.ok) {
    return (
      <Problem title="This Xstream widget was opened with a broken link">
        <p>
          Add Xstream to a room from your Matrix client (the Xstream bot does this in every partner
          room) rather than opening this address directly.
        </p>
        <ul>
          {parsed.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </Problem>
    );
  }
  if (!framed) {
    return (
      <Problem title="Open Xstream from your Matrix client">
        <p>
          This page is the Xstream panel for Element and other Matrix clients. Open it from the
          room's widgets, where your client can connect it to the room.
        </p>
      </Problem>
    );
  }
  switch (phase.kind) {
    case "connecting":
      return <Loading label="Connecting to your Matrix client…" />;
    case "approving":
      return (
        <Loading label="Waiting for you to approve Xstream's permissions in your Matrix client…" />
      );
    case "failed":
      return (
        <Problem title="Xstream could not connect">
          <p>{phase.message}</p>
        </Problem>
      );
    case "connected":
      return <>{renderPanel(phase.port)}</>;
  }
}
