import { ApiClient, type LockManagerLike } from "../api/ApiClient";
import { createAuthApi } from "../api/authApi";
import { createPartnersApi, type PartnersApi } from "../api/partnersApi";
import { SessionStore } from "../features/auth/SessionStore";
import { browserSessionHint, type SessionHint } from "../features/auth/sessionHint";
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
  });
  const session = new SessionStore({ auth, matrix, hint: options.hint ?? browserSessionHint });
  api.onSessionEnded(() => session.endSession());
  return { session, matrix, partners: createPartnersApi(api) };
}
