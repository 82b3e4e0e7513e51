// Starting the widget: ask the host for the capabilities, start talking, wait until it has
// answered, then read the room. Also keeps out messages that do not come from the host.
import { WidgetApi, WidgetApiToWidgetAction } from "matrix-widget-api";
import { REQUESTED_CAPABILITIES } from "./capabilities";
import { WidgetRoomPort } from "./widgetRoomPort";
import type { WidgetParams } from "./widgetUrl";

/**
 * How long the host may take to start the negotiation. Approving the capabilities then takes as
 * long as the user needs: Element asks in a dialog.
 */
export const HOST_ANSWER_MS = 15_000;

export class HostSilentError extends Error {
  constructor() {
    super(
      "The Matrix client around this page did not answer. Open Xstream from the room's widgets in Element or another Matrix client.",
    );
    this.name = "HostSilentError";
  }
}

/**
 * Drops every message that does not come from the parent window at the host's origin, before
 * matrix-widget-api sees it (it checks neither): another frame or a window that opened this
 * page cannot speak for the host. Registered before the API starts, so it runs first.
 */
export function acceptMessagesOnlyFrom(target: Window, parentOrigin: string): () => void {
  const guard = (event: MessageEvent) => {
    if (event.origin !== parentOrigin || event.source !== target.parent) {
      event.stopImmediatePropagation();
    }
  };
  target.addEventListener("message", guard, { capture: true });
  return () => target.removeEventListener("message", guard, { capture: true });
}

export interface WidgetSession {
  api: WidgetApi;
  port: WidgetRoomPort;
  /** Resolves once the host has asked which capabilities the widget wants. */
  asked: Promise<void>;
  /** Resolves once the capabilities are settled and the room has been read. */
  ready: Promise<void>;
}

export function openWidgetSession(
  params: Pick<WidgetParams, "widgetId" | "parentOrigin" | "roomId" | "userId">,
  options: { api?: WidgetApi; answerWithinMs?: number } = {},
): WidgetSession {
  const api = options.api ?? new WidgetApi(params.widgetId, params.parentOrigin);
  api.requestCapabilities([...REQUESTED_CAPABILITIES]);
  const port = new WidgetRoomPort(api, { roomId: params.roomId, viewerId: params.userId });
  const asked = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new HostSilentError()),
      options.answerWithinMs ?? HOST_ANSWER_MS,
    );
    api.once(`action:${WidgetApiToWidgetAction.Capabilities}`, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const negotiated = new Promise<void>((resolve) => api.once("ready", () => resolve()));
  api.start();
  // The bot's widget has `waitForIframeLoad: false`: the host starts negotiating when told the
  // page is listening. A host that started at the load event instead answers this with an error,
  // which changes nothing.
  api.sendContentLoaded().catch(() => {});
  const ready = Promise.all([asked, negotiated]).then(() => port.load());
  // The page awaits `ready`; a rejection seen only through `asked` is not unhandled.
  asked.catch(() => {});
  return { api, port, asked, ready };
}
