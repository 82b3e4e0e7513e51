import { z } from "zod";
import {
  CEFR_LEVELS,
  MATRIX_ID_MAX_BYTES,
  PRACTICE_TIMER_LANGUAGE_MAX_LENGTH,
  PRACTICE_TIMER_LIMITS,
} from "./limits.js";

// POST /api/widget/exchange: what the Xstream exchange panel shows about the two partners of a
// room. The panel may run inside another client (Element) as a widget, where it has no Xstream
// session: it proves who is looking with a Matrix OpenID token, which the bridge checks at the
// viewer's homeserver (as the MatrixRTC token service does), and it is answered only about a room
// the viewer has joined.

/** The OpenID token a widget obtains through matrix-widget-api's `requestOpenIDConnectToken`. */
export const widgetOpenIdTokenSchema = z
  .object({
    access_token: z.string().min(1).max(1024),
    token_type: z.literal("Bearer"),
    matrix_server_name: z.string().min(1).max(255),
    expires_in: z.number().int().nonnegative(),
  })
  .meta({ title: "WidgetOpenIdToken" });

export const widgetExchangeInputSchema = z
  .object({
    room_id: z
      .string()
      .min(1)
      .max(MATRIX_ID_MAX_BYTES)
      .meta({ description: "The partner room the panel is shown in." }),
    openid: widgetOpenIdTokenSchema,
  })
  .meta({ title: "WidgetExchangeInput" });

const exchangePersonSchema = z
  .object({
    user_id: z.string(),
    display_name: z.string(),
    native: z.array(z.string()).meta({ description: "Language codes (BCP 47)." }),
    learning: z.array(
      z.object({ language: z.string(), level: z.enum(CEFR_LEVELS) }).meta({
        description: "A language this person learns, with their CEFR level.",
      }),
    ),
    organisation: z.string().nullable().meta({
      description: "The partner organisation this person belongs to; null for this one's learners.",
    }),
  })
  .meta({ title: "ExchangePerson" });

export const widgetExchangeResponseSchema = z
  .object({
    viewer: exchangePersonSchema.nullable().meta({
      description: "The viewer's own languages; null when they have no Xstream profile.",
    }),
    partner: exchangePersonSchema.nullable().meta({
      description:
        "The other member of this partner room; null when the room is not a two-person partner room or the partner has no profile.",
    }),
  })
  .meta({ title: "WidgetExchangeResponse" });

export type WidgetExchangeInput = z.infer<typeof widgetExchangeInputSchema>;
export type ExchangePersonJson = z.infer<typeof exchangePersonSchema>;
export type WidgetExchangeResponse = z.infer<typeof widgetExchangeResponseSchema>;

// The practice timer both partners share: one room state event, so both panels (widget and web
// client) switch language together.

// Its event type (PRACTICE_TIMER_EVENT_TYPE) and limits are plain values in limits.ts, so the
// client uses them without loading zod.

/** Content of the timer state event; `{}` (no `languages`) means the timer is stopped. */
export const practiceTimerContentSchema = z
  .object({
    languages: z
      .tuple([
        z.string().max(PRACTICE_TIMER_LANGUAGE_MAX_LENGTH),
        z.string().max(PRACTICE_TIMER_LANGUAGE_MAX_LENGTH),
      ])
      .meta({
        description: "The two languages practised in turn, the first one first.",
      }),
    minutes: z
      .number()
      .int()
      .min(PRACTICE_TIMER_LIMITS.minMinutes)
      .max(PRACTICE_TIMER_LIMITS.maxMinutes),
    started_at: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: "Milliseconds since the epoch." }),
  })
  .meta({ title: "PracticeTimerContent" });

export type PracticeTimerContent = z.infer<typeof practiceTimerContentSchema>;

// The widget as the bot publishes it in every partner room (`im.vector.modular.widgets`).

export const EXCHANGE_WIDGET_ID = "xstream_exchange";
export const EXCHANGE_WIDGET_NAME = "Xstream";
/** Path of the widget page on the client's origin. */
export const EXCHANGE_WIDGET_PATH = "/widget/exchange";
/**
 * Query string of the widget URL. Element substitutes the `$…` template variables and appends
 * `widgetId` and `parentUrl` itself.
 */
export const EXCHANGE_WIDGET_QUERY =
  "roomId=$matrix_room_id&userId=$matrix_user_id&displayName=$matrix_display_name&theme=$org.matrix.msc2873.client_theme";
/**
 * The widget's `waitForIframeLoad`: false, so the host (Element's ClientWidgetApi) starts the
 * capability negotiation when the page says it is ready (matrix-widget-api's
 * `WidgetApi.sendContentLoaded()`, sent once its listeners are up), not at the iframe's load
 * event, which a page that loads its code lazily may not be ready for.
 */
export const EXCHANGE_WIDGET_WAIT_FOR_IFRAME_LOAD = false;
