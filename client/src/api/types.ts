/** Shapes of the bridge's `/api/auth/*` contract (see .xstream/issue3-contract.md). */

export type Role = "user" | "moderator" | "admin";

/** The signed-in account as the bridge describes it. */
export type User = {
  username: string;
  displayName: string;
  role: Role;
  /** `@username:server_name` */
  matrixUserId: string;
};

export type SignUpRequest = { username: string; password: string; displayName: string };
export type SignInRequest = { username: string; password: string };
export type PasswordChangeRequest = { currentPassword: string; newPassword: string };

/** A short-lived, single-use JWT for Synapse's `org.matrix.login.jwt` login. */
export type MatrixLoginToken = {
  token: string;
  device_id: string;
  user_id: string;
  homeserver_url?: string;
};
