// Web Push while the browser is closed: the service worker (public/push-sw.js), the browser's
// push subscription, its registration with the bridge (which answers an opaque pushkey) and the
// Matrix HTTP pusher that makes Synapse call the bridge's push gateway. Settings UIs call
// enableBackgroundPush() / disableBackgroundPush(); createAppServices() wires the instance.
import type { MatrixClient } from "matrix-js-sdk";
import { ApiError } from "../../api/ApiError";
import type { PushApi } from "../../api/pushApi";

export const SERVICE_WORKER_URL = "/push-sw.js";
/** Where this browser remembers its pushkey (to remove the pusher and registration later). */
export const PUSHKEY_STORAGE_KEY = "xstream.push.pushkey";

export type EnableOutcome =
  | "enabled"
  /** No service workers or Push API here (or not a secure context). */
  | "unsupported"
  /** The learner (or the browser) refused notifications. */
  | "denied"
  /** The server has no Web Push configured. */
  | "unavailable";

/** The browser APIs used, injectable for tests. */
export type PushPlatform = {
  serviceWorker: ServiceWorkerContainer | undefined;
  requestPermission: (() => Promise<NotificationPermission>) | undefined;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | undefined;
  deviceName: string;
  language: string;
};

function browserPlatform(): PushPlatform {
  const nav = globalThis.navigator;
  const supported =
    globalThis.isSecureContext === true &&
    nav !== undefined &&
    "serviceWorker" in nav &&
    "PushManager" in globalThis;
  let storage: Storage | undefined;
  try {
    storage = globalThis.localStorage;
  } catch {
    storage = undefined;
  }
  return {
    serviceWorker: supported ? nav.serviceWorker : undefined,
    requestPermission:
      typeof globalThis.Notification?.requestPermission === "function"
        ? () => globalThis.Notification.requestPermission()
        : undefined,
    storage,
    deviceName: "Xstream web",
    language: nav?.language ?? "en",
  };
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

export class BackgroundPush {
  readonly #api: PushApi;
  readonly #matrix: () => MatrixClient | null;
  readonly #platform: PushPlatform;

  constructor(options: {
    api: PushApi;
    matrix: () => MatrixClient | null;
    platform?: PushPlatform;
  }) {
    this.#api = options.api;
    this.#matrix = options.matrix;
    this.#platform = options.platform ?? browserPlatform();
  }

  isSupported(): boolean {
    return this.#platform.serviceWorker !== undefined;
  }

  /** Whether this browser set up background push (and has not turned it off since). */
  isEnabled(): boolean {
    return Boolean(this.#platform.storage?.getItem(PUSHKEY_STORAGE_KEY));
  }

  /**
   * Registers the service worker, asks for the notification permission (call it from a click),
   * subscribes with the server's VAPID key, registers the subscription with the bridge and sets
   * the Matrix pusher. Rejects if the Matrix client is not running or a server call fails.
   */
  async enable(): Promise<EnableOutcome> {
    const container = this.#platform.serviceWorker;
    if (!container) return "unsupported";
    const client = this.#matrix();
    if (!client) throw new Error("Matrix is not connected yet");
    const permission = (await this.#platform.requestPermission?.()) ?? "denied";
    if (permission !== "granted") return "denied";
    let vapidKey: string;
    try {
      vapidKey = await this.#api.vapidKey();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return "unavailable";
      throw error;
    }
    await container.register(SERVICE_WORKER_URL, { scope: "/" });
    const registration = await container.ready;
    const key = base64UrlToBytes(vapidKey);
    let subscription = await registration.pushManager.getSubscription();
    // A subscription made with another server key (the operator replaced it) cannot be used.
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: key,
    });
    const registered = await this.#api.register(subscription.toJSON());
    await client.setPusher({
      kind: "http",
      app_id: registered.app_id,
      pushkey: registered.pushkey,
      app_display_name: "Xstream",
      device_display_name: this.#platform.deviceName,
      lang: this.#platform.language,
      // Ids only, whatever the room: the worker looks the event up itself.
      data: { url: registered.gateway_url, format: "event_id_only" },
    });
    this.#platform.storage?.setItem(PUSHKEY_STORAGE_KEY, registered.pushkey);
    await this.handOverSession();
    return "enabled";
  }

  /**
   * Removes the pusher, the bridge's registration and the browser's subscription, and takes the
   * access token back from the worker. Each step is tried even if an earlier one failed (sign-out
   * must not be held up); the first failure is rethrown at the end.
   */
  async disable(): Promise<void> {
    const pushkey = this.#platform.storage?.getItem(PUSHKEY_STORAGE_KEY);
    this.#platform.storage?.removeItem(PUSHKEY_STORAGE_KEY);
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      await step().catch((error: unknown) => failures.push(error));
    };
    const client = this.#matrix();
    if (pushkey && client) {
      await attempt(async () => {
        const { pushers } = await client.getPushers();
        const ours = pushers.find((p) => p.pushkey === pushkey);
        if (ours) {
          // Matrix removes a pusher by setting it with kind null.
          await client.setPusher({ ...ours, kind: null as unknown as string });
        }
      });
    }
    if (pushkey) await attempt(() => this.#api.unregister(pushkey));
    const container = this.#platform.serviceWorker;
    if (container) {
      await attempt(async () => {
        const registration = await container.getRegistration("/");
        await (await registration?.pushManager.getSubscription())?.unsubscribe();
        registration?.active?.postMessage({ type: "xstream-push-session", session: null });
      });
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * Gives the worker the current Matrix access token (it changes with every page load's login),
   * so it can show who wrote and, in unencrypted rooms, what. Does nothing unless enabled.
   */
  async handOverSession(): Promise<void> {
    const client = this.#matrix();
    const container = this.#platform.serviceWorker;
    if (!client || !container || !this.isEnabled()) return;
    const registration = await container.getRegistration("/");
    registration?.active?.postMessage({
      type: "xstream-push-session",
      session: { baseUrl: client.getHomeserverUrl(), accessToken: client.getAccessToken() },
    });
  }
}

let current: BackgroundPush | null = null;

/** Called once by createAppServices(). */
export function setBackgroundPush(instance: BackgroundPush | null): void {
  current = instance;
}

function instance(): BackgroundPush {
  if (!current) throw new Error("background push is not set up (createAppServices)");
  return current;
}

/** Turns Web Push on for this browser; call from a click (it asks for permission). */
export function enableBackgroundPush(): Promise<EnableOutcome> {
  return instance().enable();
}

/** Turns Web Push off for this browser (also part of signing out). */
export function disableBackgroundPush(): Promise<void> {
  return current?.isEnabled() ? current.disable() : Promise.resolve();
}

export function backgroundPushState(): "unsupported" | "on" | "off" {
  if (!current?.isSupported()) return "unsupported";
  return current.isEnabled() ? "on" : "off";
}
