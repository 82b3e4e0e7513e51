import { ApiClient, type LockManagerLike } from "../api/ApiClient";
import { createAuthApi } from "../api/authApi";
import { createEmailApi } from "../api/emailApi";
import { createPartnersApi, type PartnersApi } from "../api/partnersApi";
import { createPushApi } from "../api/pushApi";
import { SessionStore } from "../features/auth/SessionStore";
import { browserSessionHint, type SessionHint } from "../features/auth/sessionHint";
import { setEmailApi } from "../features/email/emailService";
import { BackgroundPush, setBackgroundPush } from "../features/push/backgroundPush";
import { pageSecretStorageKeys } from "../features/recovery";
import { MatrixConnection, type MatrixSdk } from "../matrix/MatrixConnection";

/** The long-lived objects behind the UI: one of each per page load. */
export type AppServices = {
  session: SessionStore;
  matrix: MatrixConnection;
  partners: PartnersApi;
};

export type AppServicesOptions = {
  fetch?: typeof fetch;
  locks?: LockManagerLike | null;
  loadSdk?: () => Promise<MatrixSdk>;
  hint?: SessionHint;
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
  const session = new SessionStore({ auth, matrix, hint: options.hint ?? browserSessionHint });
  api.onSessionEnded(() => session.endSession());
  wireBackgroundPush(api, matrix);
  setEmailApi(createEmailApi(api));
  return { session, matrix, partners: createPartnersApi(api) };
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
