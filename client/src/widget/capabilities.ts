// The widget's capabilities: exactly what the exchange panel's port uses, each named once, and how
// the set the host approved maps back to what the panel may do. Element shows every requested
// capability in its approval dialog, where the user can untick any of them.
import { PRACTICE_TIMER_EVENT_TYPE } from "@xstream/contract/limits";
import { EventDirection, WidgetEventCapability } from "matrix-widget-api";
import type { ExchangeCapability } from "../features/exchange";

/** Corrections are text messages (`m.text`), so both directions ask for that msgtype only. */
const CORRECTION_MSGTYPE = "m.text";

/** The raw capability strings behind each of the panel's capabilities (OpenID has none: see below). */
export const WIDGET_CAPABILITIES = {
  read_messages: WidgetEventCapability.forRoomMessageEvent(
    EventDirection.Receive,
    CORRECTION_MSGTYPE,
  ).raw,
  send_correction: WidgetEventCapability.forRoomMessageEvent(
    EventDirection.Send,
    CORRECTION_MSGTYPE,
  ).raw,
  read_timer: WidgetEventCapability.forStateEvent(
    EventDirection.Receive,
    PRACTICE_TIMER_EVENT_TYPE,
    "",
  ).raw,
  set_timer: WidgetEventCapability.forStateEvent(EventDirection.Send, PRACTICE_TIMER_EVENT_TYPE, "")
    .raw,
  read_members: WidgetEventCapability.forStateEvent(EventDirection.Receive, "m.room.member").raw,
} as const satisfies Partial<Record<ExchangeCapability, string>>;

/** Everything the widget asks for, in one negotiation. */
export const REQUESTED_CAPABILITIES: readonly string[] = Object.values(WIDGET_CAPABILITIES);

/**
 * What the panel may do given the capabilities the host approved. OpenID is not a capability in
 * the widget API: the host asks the user when the token is requested (and may remember the
 * answer), so it counts as granted until the host has refused it once.
 */
export function grantedCapabilities(
  approved: Iterable<string>,
  openIdRefused = false,
): ReadonlySet<ExchangeCapability> {
  const approvedSet = new Set(approved);
  const granted = new Set<ExchangeCapability>();
  for (const [capability, raw] of Object.entries(WIDGET_CAPABILITIES)) {
    if (approvedSet.has(raw)) granted.add(capability as keyof typeof WIDGET_CAPABILITIES);
  }
  if (!openIdRefused) granted.add("openid");
  return granted;
}
