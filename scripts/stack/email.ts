// Email for the stack: one set of SMTP settings (XSTREAM_SMTP_* for `npm start`, options for the
// test harness) becomes Synapse's `email:` section (synapse-config/email.yaml) and the bridge's
// SMTP_* variables. Without an SMTP host neither part sends mail.
import { z } from "zod";
import type { TemplateValues } from "./render.ts";

export type SmtpTls = "starttls" | "tls" | "off";

export interface StackEmail {
  host: string;
  port: number;
  user?: string;
  password?: string;
  tls: SmtpTls;
  /** The From of every mail, e.g. `Xstream <noreply@example.org>`. */
  from: string;
  /** Synapse's `notif_delay_before_mail` (e.g. "10m", "3s"): how long a message stays unread. */
  notifDelay?: string;
}

export const DEFAULT_NOTIF_DELAY = "10m";

const blankAsMissing = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const optional = z.preprocess(blankAsMissing, z.string().optional());

/** Header-safe: one line, so a setting cannot smuggle a second header or YAML line. */
const oneLine = (what: string) =>
  optional.refine((value) => value === undefined || !/[\r\n\0]/.test(value), {
    error: `${what} must be one line`,
  });

const emailEnvSchema = z.object({
  XSTREAM_SMTP_HOST: oneLine("the SMTP host").refine(
    (value) => value === undefined || /^[A-Za-z0-9.:[\]-]+$/.test(value),
    { error: "must be a host name or IP address" },
  ),
  XSTREAM_SMTP_PORT: z.preprocess(
    blankAsMissing,
    z.coerce.number().int().min(1).max(65535).optional(),
  ),
  XSTREAM_SMTP_USER: oneLine("the SMTP user"),
  XSTREAM_SMTP_PASSWORD: oneLine("the SMTP password"),
  XSTREAM_SMTP_TLS: z.preprocess(
    blankAsMissing,
    z.enum(["starttls", "tls", "off"]).default("starttls"),
  ),
  XSTREAM_MAIL_FROM: oneLine("the From address").refine(
    (value) => value === undefined || /^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(value),
    { error: "must be an address, optionally with a name: Xstream <noreply@example.org>" },
  ),
  XSTREAM_EMAIL_NOTIF_DELAY: optional.refine(
    (value) => value === undefined || /^\d+(ms|s|m|h|d)?$/.test(value),
    { error: "must be a duration such as 10m, 30s or 1h" },
  ),
});

/** The `npm start` settings; undefined (email off) without XSTREAM_SMTP_HOST. */
export function stackEmailFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  serverName: string,
): { email: StackEmail | undefined; problems: string[] } {
  const parsed = emailEnvSchema.safeParse(env);
  if (!parsed.success) {
    return {
      email: undefined,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  if (!e.XSTREAM_SMTP_HOST) return { email: undefined, problems: [] };
  const tls = e.XSTREAM_SMTP_TLS;
  return {
    email: {
      host: e.XSTREAM_SMTP_HOST,
      port: e.XSTREAM_SMTP_PORT ?? (tls === "tls" ? 465 : 587),
      user: e.XSTREAM_SMTP_USER,
      password: e.XSTREAM_SMTP_PASSWORD,
      tls,
      from: e.XSTREAM_MAIL_FROM ?? `Xstream <noreply@${serverName.replace(/:\d+$/, "")}>`,
      notifDelay: e.XSTREAM_EMAIL_NOTIF_DELAY,
    },
    problems: [],
  };
}

/** Values for synapse-config/email.yaml; strings JSON-quoted, which YAML reads as they are. */
export function synapseEmailTemplateValues(email: StackEmail): TemplateValues {
  const quoted = (value: string | undefined) =>
    value === undefined ? "null" : JSON.stringify(value);
  return {
    XS_SMTP_HOST: quoted(email.host),
    XS_SMTP_PORT: email.port,
    XS_SMTP_USER: quoted(email.user),
    XS_SMTP_PASSWORD: quoted(email.password),
    XS_SMTP_FORCE_TLS: String(email.tls === "tls"),
    XS_SMTP_ENABLE_TLS: String(email.tls !== "off"),
    XS_SMTP_REQUIRE_TLS: String(email.tls === "starttls"),
    XS_MAIL_FROM: quoted(email.from),
    XS_EMAIL_NOTIF_DELAY: quoted(email.notifDelay ?? DEFAULT_NOTIF_DELAY),
  };
}

/** The bridge's SMTP_* variables (bridge-service/src/email/emailConfig.ts reads them). */
export function bridgeEmailEnv(email: StackEmail | undefined): Record<string, string> {
  if (!email) return {};
  return {
    SMTP_HOST: email.host,
    SMTP_PORT: String(email.port),
    SMTP_TLS: email.tls,
    MAIL_FROM: email.from,
    ...(email.user ? { SMTP_USER: email.user } : {}),
    ...(email.password ? { SMTP_PASSWORD: email.password } : {}),
  };
}
