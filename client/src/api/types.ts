// The bridge's `/api/auth/*` wire types, from the shared contract (contract/src/auth.ts).
import type {
  LoginRequest,
  LoginResponse,
  MatrixTokenResponse,
  PasswordChangeRequest,
  SignupRequest,
  User,
} from "@xstream/contract";

export type { Role } from "@xstream/contract/limits";
export type { LoginResponse, PasswordChangeRequest, User };
export type SignUpRequest = SignupRequest;
export type SignInRequest = LoginRequest;
/** A short-lived, single-use JWT for Synapse's `org.matrix.login.jwt` login. */
export type MatrixLoginToken = MatrixTokenResponse;
