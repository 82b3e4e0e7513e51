import { roomIdFromPath } from "../../routing/paths";
import { navigate } from "../../routing/router";
import type { NotificationSink, NotifierPage } from "./BrowserNotifier";

/**
 * Page notifications (`new Notification`). They cannot carry buttons (only a service worker's
 * can), so a ring's notification opens the room, where the in-page prompt has Accept/Decline.
 */
export function pageNotificationSink(): NotificationSink {
  const supported = typeof globalThis.Notification === "function";
  return {
    permission: () => (supported ? Notification.permission : "unsupported"),
    requestPermission: async () => (supported ? Notification.requestPermission() : "unsupported"),
    show({ title, body, tag, requireInteraction, onClick }) {
      if (!supported || Notification.permission !== "granted") return null;
      try {
        const notification = new Notification(title, { body, tag, requireInteraction });
        notification.onclick = () => {
          window.focus();
          onClick();
        };
        return { close: () => notification.close() };
      } catch {
        // Some platforms (Android Chrome) allow notifications only from a service worker.
        return null;
      }
    },
  };
}

/** The real page: visibility and focus, the router, the tab's title, and localStorage. */
export function browserPage(): NotifierPage {
  return {
    attention: () => ({
      looking: document.visibilityState === "visible" && document.hasFocus(),
      openRoomId: roomIdFromPath(window.location.pathname),
    }),
    open: (path) => navigate(path),
    setTitle: (title) => {
      document.title = title;
    },
    onAttentionChange(listener) {
      document.addEventListener("visibilitychange", listener);
      window.addEventListener("focus", listener);
      window.addEventListener("blur", listener);
      return () => {
        document.removeEventListener("visibilitychange", listener);
        window.removeEventListener("focus", listener);
        window.removeEventListener("blur", listener);
      };
    },
    getFlag: (name) => {
      try {
        return localStorage.getItem(name) === "1";
      } catch {
        return false;
      }
    },
    setFlag: (name) => {
      try {
        localStorage.setItem(name, "1");
      } catch {
        // Storage refused (private mode): the offer comes back next time, which is harmless.
      }
    },
  };
}
