import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/ApiError";
import type { PushApi } from "../../api/pushApi";
import { BackgroundPush, PUSHKEY_STORAGE_KEY, type PushPlatform } from "./backgroundPush";

const VAPID =
  "BPbU0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123456789abcdefgh";

function setup(options: { permission?: NotificationPermission; vapid?: "missing" } = {}) {
  const calls: string[] = [];
  const messages: unknown[] = [];
  const storage = new Map<string, string>();
  let subscription: { options: { applicationServerKey: ArrayBuffer } } | null = null;
  const pushSubscription = (key: ArrayBuffer) => ({
    options: { applicationServerKey: key },
    toJSON: () => ({ endpoint: "https://push.example/s/1", keys: { p256dh: "p", auth: "a" } }),
    unsubscribe: async () => {
      calls.push("unsubscribe");
      subscription = null;
      return true;
    },
  });
  const registration = {
    active: { postMessage: (message: unknown) => messages.push(message) },
    pushManager: {
      getSubscription: async () => subscription,
      subscribe: async (init: { applicationServerKey: Uint8Array; userVisibleOnly: boolean }) => {
        calls.push(`subscribe userVisibleOnly=${init.userVisibleOnly}`);
        subscription = pushSubscription(init.applicationServerKey.slice().buffer);
        return subscription;
      },
    },
  };
  const platform: PushPlatform = {
    serviceWorker: {
      register: async (url: string, init: { scope: string }) => {
        calls.push(`register ${url} scope=${init.scope}`);
        return registration;
      },
      ready: Promise.resolve(registration),
      getRegistration: async () => registration,
    } as unknown as ServiceWorkerContainer,
    requestPermission: async () => {
      calls.push("permission");
      return options.permission ?? "granted";
    },
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    deviceName: "Xstream web",
    language: "es",
  };
  const pushers: Record<string, unknown>[] = [];
  const client = {
    setPusher: async (pusher: Record<string, unknown>) => {
      calls.push(`setPusher kind=${pusher.kind}`);
      if (pusher.kind === null) pushers.splice(0);
      else pushers.push(pusher);
      return {};
    },
    getPushers: async () => ({ pushers }),
    getHomeserverUrl: () => "https://xs.example.org",
    getAccessToken: () => "syt_token",
  } as unknown as MatrixClient;
  const api: PushApi = {
    vapidKey: async () => {
      if (options.vapid === "missing") {
        throw new ApiError({ status: 404, errcode: "M_NOT_FOUND", message: "off" });
      }
      return VAPID;
    },
    register: async (json) => {
      calls.push(`register-with-bridge ${json.endpoint}`);
      return {
        pushkey: "opaque-key",
        app_id: "org.xstream.web",
        gateway_url: "http://127.0.0.1:9000/_matrix/push/v1/notify",
      };
    },
    unregister: async (pushkey) => {
      calls.push(`unregister ${pushkey}`);
    },
  };
  const push = new BackgroundPush({ api, matrix: () => client, platform });
  return { push, calls, messages, storage, pushers };
}

describe("BackgroundPush", () => {
  it("subscribes, registers with the bridge and sets an ids-only pusher at the gateway", async () => {
    const t = setup();
    expect(await t.push.enable()).toBe("enabled");
    expect(t.calls).toEqual([
      "permission",
      "register /push-sw.js scope=/",
      "subscribe userVisibleOnly=true",
      "register-with-bridge https://push.example/s/1",
      "setPusher kind=http",
    ]);
    expect(t.pushers).toEqual([
      expect.objectContaining({
        app_id: "org.xstream.web",
        pushkey: "opaque-key",
        lang: "es",
        data: { url: "http://127.0.0.1:9000/_matrix/push/v1/notify", format: "event_id_only" },
      }),
    ]);
    expect(t.storage.get(PUSHKEY_STORAGE_KEY)).toBe("opaque-key");
    expect(t.push.isEnabled()).toBe(true);
    // The worker gets the session to look events up with.
    expect(t.messages).toEqual([
      {
        type: "xstream-push-session",
        session: { baseUrl: "https://xs.example.org", accessToken: "syt_token" },
      },
    ]);
  });

  it("stops at a refused permission or a server without Web Push, setting nothing", async () => {
    const denied = setup({ permission: "denied" });
    expect(await denied.push.enable()).toBe("denied");
    expect(denied.pushers).toEqual([]);
    const off = setup({ vapid: "missing" });
    expect(await off.push.enable()).toBe("unavailable");
    expect(off.calls).not.toContain("register /push-sw.js scope=/");
    expect(off.push.isEnabled()).toBe(false);
  });

  it("turning it off removes the pusher, the registration, the subscription and the token", async () => {
    const t = setup();
    await t.push.enable();
    t.calls.length = 0;
    await t.push.disable();
    expect(t.calls).toEqual(["setPusher kind=null", "unregister opaque-key", "unsubscribe"]);
    expect(t.pushers).toEqual([]);
    expect(t.push.isEnabled()).toBe(false);
    expect(t.messages.at(-1)).toEqual({ type: "xstream-push-session", session: null });
  });
});
