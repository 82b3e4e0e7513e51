import { ApiError } from "../../api/ApiError";
import type { AuthApi } from "../../api/authApi";
import type {
  MatrixLoginToken,
  PasswordChangeRequest,
  SignInRequest,
  SignUpRequest,
  User,
} from "../../api/types";
import type { MatrixConnection } from "../../matrix/MatrixConnection";
import type { SessionHint } from "./sessionHint";

/** Why the person is looking at the sign-in page, when there is something to explain. */
export type SignedOutReason =
  /** A session existed but expired, was revoked, or could not be refreshed. */
  | "sessionEnded"
  /** They pressed Sign out. */
  | "signedOut"
  /** The session could not be restored because the server was unreachable. */
  | "unreachable";

export type SessionState =
  | { status: "loading" }
  | { status: "signedOut"; reason: SignedOutReason | null }
  | {
      status: "signedIn";
      user: User;
      /** Signed in by creating the account just now: onboarding comes first. */
      newAccount?: boolean;
    };

export type SessionStoreOptions = {
  auth: AuthApi;
  matrix: Pick<MatrixConnection, "prepare" | "start" | "stop" | "restart">;
  hint: SessionHint;
};

/**
 * The view model of "who is signed in": restores the session on load, signs in, up and out,
 * changes the password, and keeps the Matrix connection in step with the session.
 */
export class SessionStore {
  readonly #auth: AuthApi;
  readonly #matrix: SessionStoreOptions["matrix"];
  readonly #hint: SessionHint;
  readonly #listeners = new Set<() => void>();
  #state: SessionState = { status: "loading" };
  #restoring: Promise<void> | null = null;

  constructor(options: SessionStoreOptions) {
    this.#auth = options.auth;
    this.#matrix = options.matrix;
    this.#hint = options.hint;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): SessionState => this.#state;

  /** On load: trade the refresh cookie for a session, or show the sign-in page. Runs once. */
  restore(): Promise<void> {
    this.#restoring ??= this.#restore();
    return this.#restoring;
  }

  async #restore() {
    if (!this.#hint.get()) {
      this.#set({ status: "signedOut", reason: null });
      return;
    }
    try {
      this.#signedIn(await this.#auth.refresh());
    } catch (error) {
      // Only the bridge refusing the session ends it. A network failure, a bridge restarting
      // (the edge's 502) or a rate limit leaves it, and what this browser keeps for it, for the
      // next reload.
      if (error instanceof ApiError && !error.isAuthFailure) {
        this.#set({ status: "signedOut", reason: "unreachable" });
        return;
      }
      this.#hint.set(false);
      this.#set({ status: "signedOut", reason: "sessionEnded" });
    }
  }

  /** Someone is about to sign in: what Matrix needs starts loading now. */
  prepareSignIn = (): void => {
    this.#matrix.prepare();
  };

  /**
   * Rejects with an ApiError when the bridge refuses. What Matrix needs loads while the bridge
   * checks the password, and its answer carries the first Matrix login token.
   */
  async signIn(request: SignInRequest): Promise<void> {
    this.#matrix.prepare();
    const { user, matrix } = await this.#auth.signIn(request);
    this.#signedIn(user, { grant: matrix });
  }

  /** Rejects with an ApiError when the bridge refuses. */
  async signUp(request: SignUpRequest): Promise<void> {
    this.#signedIn(await this.#auth.signUp(request), { newAccount: true });
  }

  /**
   * Stops the Matrix client first, so no sync or automatic re-login races the bridge deleting
   * this device, then ends the session on the server. If the server cannot be told (offline),
   * the person stays signed in and the error is thrown, rather than leaving a live session
   * behind on a shared computer.
   */
  async signOut(): Promise<void> {
    this.#matrix.stop();
    try {
      await this.#auth.signOut();
    } catch (error) {
      const alreadyEnded = error instanceof ApiError && error.status === 401;
      if (!alreadyEnded) {
        void this.#matrix.start();
        throw error;
      }
    }
    this.#hint.set(false);
    this.#set({ status: "signedOut", reason: "signedOut" });
  }

  /**
   * Rejects with an ApiError when the bridge refuses (e.g. wrong current password). On success
   * Synapse has logged out every device, ours included, so the Matrix login runs again.
   */
  async changePassword(request: PasswordChangeRequest): Promise<void> {
    const user = await this.#auth.changePassword(request);
    this.#set({ status: "signedIn", user });
    void this.#matrix.restart();
  }

  /** The session is gone (401 after a refresh attempt, or Matrix refused to log in again). */
  endSession(): void {
    if (this.#state.status === "signedOut") return;
    this.#matrix.stop();
    this.#hint.set(false);
    this.#set({ status: "signedOut", reason: "sessionEnded" });
  }

  #signedIn(
    user: User,
    { newAccount = false, grant }: { newAccount?: boolean; grant?: MatrixLoginToken } = {},
  ) {
    this.#hint.set(true);
    // Matrix first: its login is the longest part of a start, and rendering the signed-in app
    // (this state change) takes a while.
    void this.#matrix.start(grant);
    this.#set({ status: "signedIn", user, newAccount });
  }

  #set(state: SessionState) {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
