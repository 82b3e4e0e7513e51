import type { PushSubscriptionResponseJson } from "@xstream/contract";
import type { ApiClient } from "./ApiClient";

/** What a Matrix HTTP pusher needs, as the bridge answers a subscription. */
export type PushRegistration = PushSubscriptionResponseJson;

/** The bridge's Web Push endpoints. Every method rejects with an ApiError. */
export type PushApi = {
  /** 404 M_NOT_FOUND when the server has no Web Push (no VAPID keys). */
  vapidKey(): Promise<string>;
  register(subscription: PushSubscriptionJSON): Promise<PushRegistration>;
  unregister(pushkey: string): Promise<void>;
};

export function createPushApi(api: Pick<ApiClient, "request">): PushApi {
  return {
    async vapidKey() {
      return (
        await api.request<{ public_key: string }>("GET", "/push/vapid-key", {
          response: (contract) => contract.vapidKeyResponseSchema,
        })
      ).public_key;
    },
    register(subscription) {
      return api.request<PushRegistration>("POST", "/push/subscriptions", {
        body: subscription,
        response: (contract) => contract.pushSubscriptionResponseSchema,
      });
    },
    async unregister(pushkey) {
      await api.request("DELETE", `/push/subscriptions/${encodeURIComponent(pushkey)}`);
    },
  };
}
