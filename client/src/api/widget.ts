import type { WidgetExchangeResponse } from "@xstream/contract";
import { ApiClient } from "./ApiClient";

/** The OpenID token that identifies the viewer (the contract's `WidgetOpenIdToken`). */
export type WidgetOpenIdToken = {
  access_token: string;
  token_type: "Bearer";
  matrix_server_name: string;
  expires_in: number;
};

/**
 * The bridge's endpoint for the exchange panel. It needs no Xstream session: the viewer proves
 * who they are with an OpenID token from their homeserver, so it works inside Element too.
 * Rejects with an ApiError.
 */
export type WidgetApi = {
  /** Who the two partners of `roomId` are, with their languages and levels. */
  exchangePeople(roomId: string, openid: WidgetOpenIdToken): Promise<WidgetExchangeResponse>;
};

export function createWidgetApi(api: Pick<ApiClient, "request">): WidgetApi {
  return {
    exchangePeople(roomId, openid) {
      return api.request<WidgetExchangeResponse>("POST", "/widget/exchange", {
        body: { room_id: roomId, openid },
        // A 401 here is about the OpenID token, not a session to refresh.
        refreshOn401: false,
        response: (contract) => contract.widgetExchangeResponseSchema,
      });
    },
  };
}

let shared: WidgetApi | null = null;

/** The endpoint on this origin's `/api`, for pages that have no services of their own. */
export function bridgeWidgetApi(): WidgetApi {
  shared ??= createWidgetApi(new ApiClient({ locks: null }));
  return shared;
}
