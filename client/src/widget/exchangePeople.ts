// Who the two partners are, from the bridge (POST /api/widget/exchange). The widget has no Xstream
// session here (it runs inside another client), so the OpenID token alone identifies the viewer.
import type { WidgetExchangeResponse } from "@xstream/contract";
import { ApiClient } from "../api/ApiClient";
import type { FetchExchangePeople } from "../features/exchange/exchangePort";

export function exchangePeopleFetcher(api = new ApiClient({ locks: null })): FetchExchangePeople {
  return (roomId, token) =>
    api.request<WidgetExchangeResponse>("POST", "/widget/exchange", {
      body: { room_id: roomId, openid: token },
      // No cookie session to refresh: a 401 means the token was refused.
      refreshOn401: false,
      response: (contract) => contract.widgetExchangeResponseSchema,
    });
}
