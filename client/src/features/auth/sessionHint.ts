/**
 * Remembers, in this browser, that a session was started here. The session itself lives in
 * HTTP-only cookies the page cannot see; without this hint every first visit would POST
 * /api/auth/refresh just to be told 401. Holds no secret: only "1" or nothing.
 */
export type SessionHint = {
  get(): boolean;
  set(signedIn: boolean): void;
};

const KEY = "xstream.session";

export const browserSessionHint: SessionHint = {
  get() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch {
      // Storage disabled: try the refresh anyway.
      return true;
    }
  },
  set(signedIn) {
    try {
      if (signedIn) window.localStorage.setItem(KEY, "1");
      else window.localStorage.removeItem(KEY);
    } catch {
      // Storage disabled: nothing to remember.
    }
  },
};

/** An in-memory hint for tests. */
export function memorySessionHint(initial = false): SessionHint {
  let value = initial;
  return {
    get: () => value,
    set: (signedIn) => {
      value = signedIn;
    },
  };
}
