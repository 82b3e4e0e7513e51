// The Xstream widget as room state, in the shapes Element reads:
// - `im.vector.modular.widgets` (state key = widget id): Element's WidgetUtils.getRoomWidgets
//   (element-web src/utils/WidgetUtils.ts) keeps the events whose content has a `type` and a
//   `url`; WidgetUtils.makeAppConfig takes the id from the state key and the creator from the
//   sender and falls back to the type for a missing `name`; matrix-widget-api's IWidget
//   (src/interfaces/IWidget.ts) names the rest (`waitForIframeLoad`, `data`), WidgetType
//   (src/interfaces/WidgetType.ts) the custom type `m.custom`.
// - `io.element.widgets.layout` (state key ""): `{widgets: {[id]: {container}}}`, read by
//   element-web src/stores/widgets/WidgetLayoutStore.ts, where `right` is the right panel.
import {
  EXCHANGE_WIDGET_ID,
  EXCHANGE_WIDGET_NAME,
  EXCHANGE_WIDGET_PATH,
  EXCHANGE_WIDGET_QUERY,
  EXCHANGE_WIDGET_WAIT_FOR_IFRAME_LOAD,
} from "@xstream/contract";

export const WIDGET_EVENT_TYPE = "im.vector.modular.widgets";
export const WIDGET_LAYOUT_EVENT_TYPE = "io.element.widgets.layout";
/** matrix-widget-api's MatrixWidgetType.Custom. */
export const CUSTOM_WIDGET_TYPE = "m.custom";
/** Element's WidgetLayoutStore Container.Right. */
export const RIGHT_PANEL_CONTAINER = "right";

export interface StateEventContent {
  type: string;
  state_key: string;
  content: Record<string, unknown>;
}

/** The widget page's URL template: Element fills in the `$matrix_…` variables per viewer. */
export function exchangeWidgetUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${EXCHANGE_WIDGET_PATH}?${EXCHANGE_WIDGET_QUERY}`;
}

/** The `im.vector.modular.widgets` content the bot publishes in a partner room. */
export function exchangeWidgetContent(
  publicUrl: string,
  botUserId: string,
): Record<string, unknown> {
  return {
    type: CUSTOM_WIDGET_TYPE,
    url: exchangeWidgetUrl(publicUrl),
    name: EXCHANGE_WIDGET_NAME,
    id: EXCHANGE_WIDGET_ID,
    creatorUserId: botUserId,
    // Element shows the title beside the name.
    data: { title: "Languages, practice timer and corrections" },
    waitForIframeLoad: EXCHANGE_WIDGET_WAIT_FOR_IFRAME_LOAD,
  };
}

/**
 * The room's widget layout with the Xstream widget in the right panel; other widgets' entries in
 * `current` (the room's layout so far, if any) are kept.
 */
export function exchangeWidgetLayout(current?: Record<string, unknown>): Record<string, unknown> {
  const widgets = current?.widgets;
  const kept =
    typeof widgets === "object" && widgets !== null && !Array.isArray(widgets) ? widgets : {};
  return {
    ...current,
    widgets: { ...kept, [EXCHANGE_WIDGET_ID]: { container: RIGHT_PANEL_CONTAINER } },
  };
}

/** Both state events, for a new room's `initial_state`. */
export function exchangeWidgetState(publicUrl: string, botUserId: string): StateEventContent[] {
  return [
    {
      type: WIDGET_EVENT_TYPE,
      state_key: EXCHANGE_WIDGET_ID,
      content: exchangeWidgetContent(publicUrl, botUserId),
    },
    { type: WIDGET_LAYOUT_EVENT_TYPE, state_key: "", content: exchangeWidgetLayout() },
  ];
}

/** Whether a widget event's content is a live widget (Element drops those without type and url). */
export function isLiveWidget(content: Record<string, unknown> | undefined): boolean {
  return Boolean(content?.type && content.url);
}
