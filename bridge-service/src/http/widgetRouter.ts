import {
  type ExchangePersonJson,
  type WidgetExchangeResponse,
  widgetExchangeInputSchema,
} from "@xstream/contract";
import express, { type Request, Router } from "express";
import {
  describeExchange,
  type ExchangePerson,
  type WidgetExchangeContext,
  WidgetExchangeFailure,
  type WidgetExchangeFailureReason,
} from "../domain/widgetExchange.js";
import { MatrixError, parseBody } from "./errors.js";

/** A request is a room id and an OpenID token: well under 2 KiB. */
export const WIDGET_BODY_LIMIT = "16kb";

/** Status and errcode for each reason the panel's request was refused. */
export const WIDGET_FAILURE_RESPONSES: Readonly<
  Record<WidgetExchangeFailureReason, [number, string]>
> = {
  invalid_param: [400, "M_INVALID_PARAM"],
  unknown_token: [401, "M_UNKNOWN_TOKEN"],
  homeserver_not_allowed: [403, "M_FORBIDDEN"],
  not_joined: [403, "M_FORBIDDEN"],
  homeserver_unavailable: [502, "M_UNKNOWN"],
  homeserver_timeout: [504, "M_UNKNOWN"],
};

const clientOf = (req: Request) => ({ ip: req.ip ?? req.socket.remoteAddress ?? "unknown" });

function personJson(person: ExchangePerson | null): ExchangePersonJson | null {
  if (!person) return null;
  return {
    user_id: person.userId,
    display_name: person.displayName,
    native: person.native,
    learning: person.learning.map(({ language, level }) => ({ language, level })),
    organisation: person.organisation,
  };
}

/**
 * /api/widget: what the exchange panel (in our client, or a widget in Element) asks the bridge.
 * Always mounted; without a context (tests of other parts) it answers 404.
 */
export function widgetRouter(context: WidgetExchangeContext | undefined): Router {
  const router = Router();
  router.post("/widget/exchange", express.json({ limit: WIDGET_BODY_LIMIT }), async (req, res) => {
    const body = parseBody(widgetExchangeInputSchema, req.body);
    if (!context) throw new MatrixError(404, "M_NOT_FOUND", "The widget API is not configured.");
    // Two people's languages, for this viewer only.
    res.setHeader("Cache-Control", "no-store");
    try {
      const people = await describeExchange(
        context,
        {
          roomId: body.room_id,
          openIdToken: {
            accessToken: body.openid.access_token,
            serverName: body.openid.matrix_server_name,
          },
        },
        clientOf(req),
      );
      const response: WidgetExchangeResponse = {
        viewer: personJson(people.viewer),
        partner: personJson(people.partner),
      };
      res.json(response);
    } catch (error) {
      if (!(error instanceof WidgetExchangeFailure)) throw error;
      const [status, errcode] = WIDGET_FAILURE_RESPONSES[error.reason];
      throw new MatrixError(status, errcode, error.message, { field: error.field });
    }
  });
  return router;
}
