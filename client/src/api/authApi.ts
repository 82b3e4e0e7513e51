import type { ApiClient } from "./ApiClient";
import type {
  LoginResponse,
  MatrixLoginToken,
  PasswordChangeRequest,
  SignInRequest,
  SignUpRequest,
  User,
} from "./types";

/** The bridge's account and session endpoints, typed. Every method rejects with an ApiError. */
export type AuthApi = {
  signUp(request: SignUpRequest): Promise<User>;
  /** The session's user, and its first Matrix login token. */
  signIn(request: SignInRequest): Promise<LoginResponse>;
  /** Restores or extends the session from the refresh cookie. */
  refresh(): Promise<User>;
  signOut(): Promise<void>;
  changePassword(request: PasswordChangeRequest): Promise<User>;
  matrixToken(): Promise<MatrixLoginToken>;
};

type UserBody = { user: User };

export function createAuthApi(api: ApiClient): AuthApi {
  return {
    async signUp(request) {
      const { user } = await api.request<UserBody>("POST", "/auth/signup", {
        body: request,
        refreshOn401: false,
        response: (contract) => contract.userResponseSchema,
      });
      return user;
    },
    signIn: (request) =>
      api.request<LoginResponse>("POST", "/auth/login", {
        body: request,
        refreshOn401: false,
        response: (contract) => contract.loginResponseSchema,
      }),
    refresh: () => api.refresh(),
    async signOut() {
      await api.request<unknown>("POST", "/auth/logout", {
        refreshOn401: false,
        response: (contract) => contract.emptyResponseSchema,
      });
    },
    async changePassword(request) {
      const { user } = await api.request<UserBody>("POST", "/auth/password", {
        body: request,
        response: (contract) => contract.userResponseSchema,
      });
      return user;
    },
    matrixToken: () =>
      api.request<MatrixLoginToken>("POST", "/auth/matrix-token", {
        response: (contract) => contract.matrixTokenResponseSchema,
      }),
  };
}
