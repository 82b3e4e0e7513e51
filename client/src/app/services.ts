import { ApiClient, type LockManagerLike } from "../api/ApiClient";
import { createAuthApi } from "../api/authApi";
import { createEmailApi } from "../api/emailApi";
import { createPartnersApi, type PartnersApi } from "../api/partnersApi";
import { createPushApi } from "../api/pushApi";
import type { User } from "../api/types";
import { SessionStore } from "../features/auth/SessionStore";
import { browserSessionHint, type SessionHint } from "../features/auth/sessionHint";
import { setEmailApi } from "../features/email/emailService";
import { BackgroundPush, setBackgroundPush } from "../features/push/backgroundPush";
import { pageSecretStorageKeys } from "../features/recovery";
import { MatrixConnection, type MatrixSdk } from "../matrix/MatrixConnection";
import { deleteRoomListCaches } from "../matrix/roomListCache";
import { type RememberedUser, storageRememberedUser } from "./rememberedUser";

/** The long-lived objects behind the UI: one of each per page load. */
export type AppServices = {
  session: SessionStore;
  matrix: MatrixConnection;
  partners: PartnersApi;
  /**
   * Who this browser's session belonged to when it was last confirmed, while the session hint
   * says one exists: the page draws them their cached Chats page before the bridge has answered.
   * Null when nobody is remembered.
   */
  restoringAs: () => User | null;
};

export type AppServicesOptions = {
  fetch?: typeof fetch;
  locks?: LockManagerLike | null;
  loadSdk?: () => Promise<MatrixSdk>;
  hint?: SessionHint;
  remembered?: RememberedUser;
  origin?: string;
};

/** Wires the bridge API, the session and the Matrix connection together. Fakes go in for tests. */
export function createAppServices(options: AppServicesOptions = {}): AppServices {
  const api = new ApiClient({
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.locks !== undefined && { locks: options.locks }),
  });
  const auth = createAuthApi(api);
  const matrix = new MatrixConnection({
    requestLoginToken: () => auth.matrixToken(),
    onSessionLost: () => session.endSession(),
    ...(options.loadSdk && { loadSdk: options.loadSdk }),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.origin && { origin: options.origin }),
    cryptoCallbacks: pageSecretStorageKeys.callbacks,
  });
  const hint = options.hint ?? browserSessionHint;
  const session = new SessionStore({ auth, matrix, hint });
  api.onSessionEnded(() => session.endSession());
  const remembered = options.remembered ?? storageRememberedUser();
  rememberSessionUser(session, remembered, matrix);
  wireBackgroundPush(api, matrix);
  setEmailApi(createEmailApi(api));
  return {
    session,
    matrix,
    partners: createPartnersApi(api),
    restoringAs: () => (hint.get() ? remembered.get() : null),
  };
}

/**
 * Remembers each confirmed session's user, and forgets them with what this browser cached for
 * them once the session has ended: a refused session (expired, revoked from elsewhere) leaves no
 * room names, messages or keys behind for whoever opens the page next. An unreachable bridge
 * ends nothing.
 */
function rememberSessionUser(
  session: SessionStore,
  remembered: RememberedUser,
  matrix: MatrixConnection,
) {
  session.subscribe(() => {
    const state = session.getSnapshot();
    if (state.status === "signedIn") {
      remembered.set(state.user);
    } else if (state.status === "signedOut" && state.reason !== "unreachable") {
      remembered.clear();
      deleteRoomListCaches(null);
      // A sign-out here has deleted them already (App's signOut → forgetDevice).
      if (state.reason === "sessionEnded") void matrix.forgetEveryDevice();
    }
  });
}

/** Web Push while the browser is closed: the worker gets each new Matrix session's token. */
function wireBackgroundPush(api: ApiClient, matrix: MatrixConnection) {
  const push = new BackgroundPush({
    api: createPushApi(api),
    matrix: () => matrix.getSnapshot().client,
  });
  setBackgroundPush(push);
  let handedOver: unknown = null;
  matrix.subscribe(() => {
    const { status, client } = matrix.getSnapshot();
    if (status !== "connected" || client === handedOver) return;
    handedOver = client;
    void push.handOverSession().catch(() => {});
  });
}
