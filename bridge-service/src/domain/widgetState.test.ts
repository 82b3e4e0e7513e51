import { EXCHANGE_WIDGET_ID, EXCHANGE_WIDGET_NAME, EXCHANGE_WIDGET_PATH } from "@xstream/contract";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  exchangeWidgetContent,
  exchangeWidgetLayout,
  exchangeWidgetState,
  exchangeWidgetUrl,
  isLiveWidget,
} from "./widgetState.js";

const BOT = "@xstream:xstream.example";

// What Element reads, written from its reading code rather than from ours:
// - element-web src/utils/WidgetUtils.ts getRoomWidgets: an `im.vector.modular.widgets` state
//   event counts only when `content.type` and `content.url` are truthy; makeAppConfig takes the id
//   from the state key, the creator from the sender, and the name (else the type) for display.
// - matrix-widget-api src/models/Widget.ts: `id`, `creatorUserId`, `type` and `url` must be
//   present; `new URL(url).origin` is the widget's origin; `waitForIframeLoad` is a boolean and
//   `data` an object whose `title` is shown beside the name (IWidget, IWidgetData).
// - matrix-widget-api src/templating/url-template.ts runTemplate: `$matrix_room_id`,
//   `$matrix_user_id`, `$matrix_display_name` and `$org.matrix.msc2873.client_theme` are filled
//   in per viewer.
const elementWidgetContent = z.object({
  type: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().min(1),
  id: z.string().min(1),
  creatorUserId: z.string().regex(/^@[^:]+:.+$/),
  waitForIframeLoad: z.boolean(),
  data: z.object({ title: z.string().optional() }).catchall(z.unknown()),
});

// element-web src/stores/widgets/WidgetLayoutStore.ts: ILayoutStateEvent `{widgets: {[id]:
// IStoredLayout}}`, `container` one of Container's "top" | "right" | "center".
const elementLayoutContent = z.object({
  widgets: z.record(
    z.string(),
    z.object({
      container: z.enum(["top", "right", "center"]),
      index: z.number().optional(),
      width: z.number().optional(),
      height: z.number().nullable().optional(),
    }),
  ),
});

/** runTemplate's substitution, for the variables Element always supplies. */
function fillTemplate(url: string, values: Record<string, string>): string {
  let result = url;
  for (const [key, value] of Object.entries(values)) {
    result = result.split(`$${key}`).join(encodeURIComponent(value));
  }
  return result;
}

describe("the Xstream widget's room state", () => {
  it("is a widget event Element lists, keyed by the widget id, made by the bot", () => {
    const [widget, layout] = exchangeWidgetState("https://xstream.example/", BOT);
    expect(widget?.type).toBe("im.vector.modular.widgets");
    expect(widget?.state_key).toBe(EXCHANGE_WIDGET_ID);
    const content = elementWidgetContent.parse(widget?.content);
    expect(content).toMatchObject({
      type: "m.custom",
      id: EXCHANGE_WIDGET_ID,
      name: EXCHANGE_WIDGET_NAME,
      creatorUserId: BOT,
      waitForIframeLoad: false,
    });
    expect(isLiveWidget(widget?.content)).toBe(true);
    expect(layout?.type).toBe("io.element.widgets.layout");
    expect(layout?.state_key).toBe("");
    expect(elementLayoutContent.parse(layout?.content).widgets[EXCHANGE_WIDGET_ID]).toEqual({
      container: "right",
    });
  });

  it("points at the widget page on this origin, with the variables Element fills in", () => {
    const url = exchangeWidgetUrl("https://xstream.example/");
    expect(new URL(url).origin).toBe("https://xstream.example");
    expect(new URL(url).pathname).toBe(EXCHANGE_WIDGET_PATH);
    const filled = new URL(
      fillTemplate(url, {
        matrix_room_id: "!pair:xstream.example",
        matrix_user_id: "@ana:xstream.example",
        matrix_display_name: "Ana & Bo",
        "org.matrix.msc2873.client_theme": "dark",
      }),
    );
    expect(Object.fromEntries(filled.searchParams)).toEqual({
      roomId: "!pair:xstream.example",
      userId: "@ana:xstream.example",
      displayName: "Ana & Bo",
      theme: "dark",
    });
    expect(exchangeWidgetContent("https://xstream.example", BOT).url).toBe(url);
  });

  it("keeps other widgets' places when it joins a room's layout", () => {
    const layout = exchangeWidgetLayout({
      widgets: { jitsi: { container: "top", index: 0 } },
      extra: true,
    });
    expect(elementLayoutContent.parse(layout).widgets).toEqual({
      jitsi: { container: "top", index: 0 },
      [EXCHANGE_WIDGET_ID]: { container: "right" },
    });
    expect(layout.extra).toBe(true);
    expect(exchangeWidgetLayout({ widgets: ["not", "a", "map"] }).widgets).toEqual({
      [EXCHANGE_WIDGET_ID]: { container: "right" },
    });
  });

  it("counts a removed widget (empty content) as no widget, as Element does", () => {
    expect(isLiveWidget({})).toBe(false);
    expect(isLiveWidget(undefined)).toBe(false);
    expect(isLiveWidget({ type: "m.custom" })).toBe(false);
  });
});
