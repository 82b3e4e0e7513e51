// A learner's email address, kept where Matrix keeps it: a 3PID on the homeserver, added through
// Synapse's own validation (requestToken mails a link; /account/3pid/add with the password as
// user-interactive auth), and Synapse's email pusher for missed-message mails, as Element does.
import type { MatrixClient } from "matrix-js-sdk";

/** The Matrix calls this needs; a fake in unit tests. */
export type EmailMatrix = Pick<
  MatrixClient,
  | "getUserId"
  | "getThreePids"
  | "requestAdd3pidEmailToken"
  | "addThreePidOnly"
  | "deleteThreePid"
  | "getPushers"
  | "setPusher"
  | "removePusher"
>;

export const EMAIL_PUSHER_APP_ID = "m.email";
/** RFC 5321's longest path; Synapse refuses longer addresses too. */
export const EMAIL_MAX_LENGTH = 254;

/** A sent validation mail, waiting for its link to be opened (kept across reloads). */
export type PendingEmail = {
  email: string;
  clientSecret: string;
  sid: string;
  sendAttempt: number;
};

export type EmailState = {
  /** The verified address, if any (the first email 3PID). */
  address: string | undefined;
  /** Whether Synapse mails this address about unread messages (its email pusher exists). */
  missedMessageMails: boolean;
};

/** Plain checks before asking the server; it has the last word. */
export function emailProblem(email: string): string | undefined {
  const trimmed = email.trim();
  if (trimmed === "") return "Enter your email address";
  if (trimmed.length > EMAIL_MAX_LENGTH) return "That address is too long";
  if (!/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u.test(trimmed)) {
    return "Enter an address like name@example.org";
  }
  return undefined;
}

export async function loadEmailState(client: EmailMatrix): Promise<EmailState> {
  const [{ threepids }, { pushers }] = await Promise.all([
    client.getThreePids(),
    client.getPushers(),
  ]);
  const address = threepids.find((threepid) => threepid.medium === "email")?.address;
  return {
    address,
    missedMessageMails:
      address !== undefined &&
      pushers.some(
        (pusher) =>
          pusher.kind === "email" &&
          pusher.app_id === EMAIL_PUSHER_APP_ID &&
          pusher.pushkey === address,
      ),
  };
}

function newClientSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Has Synapse mail a validation link; again (resend) when given the pending one. */
export async function requestVerification(
  client: EmailMatrix,
  email: string,
  resend?: PendingEmail,
): Promise<PendingEmail> {
  const clientSecret = resend?.clientSecret ?? newClientSecret();
  const sendAttempt = (resend?.sendAttempt ?? 0) + 1;
  const { sid } = await client.requestAdd3pidEmailToken(email.trim(), clientSecret, sendAttempt);
  return { email: email.trim(), clientSecret, sid, sendAttempt };
}

export type FinishOutcome = "added" | "link_not_opened" | "wrong_password";

type MatrixLikeError = { httpStatus?: number; errcode?: string; data?: { session?: string } };
const asMatrixError = (error: unknown): MatrixLikeError =>
  typeof error === "object" && error !== null ? (error as MatrixLikeError) : {};

/**
 * Adds the address once its link was opened: the homeserver asks for the password first
 * (user-interactive auth). Then turns missed-message mails on for it, as Synapse does for
 * addresses given at registration.
 */
export async function finishVerification(
  client: EmailMatrix,
  pending: PendingEmail,
  password: string,
  language: string,
): Promise<FinishOutcome> {
  const body = { client_secret: pending.clientSecret, sid: pending.sid };
  let session: string | undefined;
  try {
    await client.addThreePidOnly(body);
  } catch (error) {
    const matrixError = asMatrixError(error);
    if (matrixError.httpStatus !== 401) return outcomeOf(error);
    session = matrixError.data?.session;
  }
  if (session !== undefined) {
    try {
      await client.addThreePidOnly({
        ...body,
        auth: {
          type: "m.login.password",
          identifier: { type: "m.id.user", user: client.getUserId() ?? "" },
          password,
          session,
        },
      } as Parameters<EmailMatrix["addThreePidOnly"]>[0]);
    } catch (error) {
      return outcomeOf(error);
    }
  }
  await setMissedMessageMails(client, pending.email, true, language);
  return "added";
}

function outcomeOf(error: unknown): FinishOutcome {
  const { httpStatus, errcode } = asMatrixError(error);
  if (errcode === "M_THREEPID_AUTH_FAILED" || errcode === "M_THREEPID_NOT_FOUND") {
    return "link_not_opened";
  }
  if (httpStatus === 401 || errcode === "M_FORBIDDEN") return "wrong_password";
  throw error;
}

export async function setMissedMessageMails(
  client: EmailMatrix,
  address: string,
  on: boolean,
  language: string,
): Promise<void> {
  if (!on) {
    await client.removePusher(address, EMAIL_PUSHER_APP_ID);
    return;
  }
  await client.setPusher({
    kind: "email",
    app_id: EMAIL_PUSHER_APP_ID,
    pushkey: address,
    app_display_name: "Email Notifications",
    device_display_name: address,
    lang: language,
    data: { brand: "Xstream" },
  } as Parameters<EmailMatrix["setPusher"]>[0]);
}

/** Removes the address from the account, and its missed-message mails with it. */
export async function removeEmail(client: EmailMatrix, address: string): Promise<void> {
  await client.removePusher(address, EMAIL_PUSHER_APP_ID).catch(() => {});
  await client.deleteThreePid("email", address);
}

/** Where a pending verification survives a reload of the settings page. */
export const PENDING_STORAGE_KEY = "xstream.email.pending";

export function readPending(
  storage: Pick<Storage, "getItem"> | undefined,
): PendingEmail | undefined {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(PENDING_STORAGE_KEY) ?? "null");
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { email, clientSecret, sid, sendAttempt } = parsed as Record<string, unknown>;
    return typeof email === "string" &&
      typeof clientSecret === "string" &&
      typeof sid === "string" &&
      typeof sendAttempt === "number"
      ? { email, clientSecret, sid, sendAttempt }
      : undefined;
  } catch {
    return undefined;
  }
}

export function writePending(
  storage: Pick<Storage, "setItem" | "removeItem"> | undefined,
  pending: PendingEmail | undefined,
): void {
  try {
    if (pending) storage?.setItem(PENDING_STORAGE_KEY, JSON.stringify(pending));
    else storage?.removeItem(PENDING_STORAGE_KEY);
  } catch {
    // Private mode or a full storage: the pending step just does not survive a reload.
  }
}
