import { z } from "zod";

/**
 * SMTP settings shared with Synapse's `email:` section (the stack renders both from the same
 * values). Email is off without SMTP_HOST. Messages never include a value: SMTP_PASSWORD is a
 * secret.
 */
export interface EmailConfig {
  host: string;
  port: number;
  /** starttls: STARTTLS required; tls: implicit TLS (465); off: plain (a relay on loopback). */
  tls: "starttls" | "tls" | "off";
  auth: { user: string; pass: string } | undefined;
  /** The From header, e.g. `Xstream <noreply@example.org>`. */
  from: string;
}

const blankAsMissing = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const optional = z.preprocess(blankAsMissing, z.string().optional());
/** One line: a value with a line break could add a header to every mail. */
const oneLine = optional.refine((value) => value === undefined || !/[\r\n\0]/.test(value), {
  error: "must be one line",
});

/** Merged into config.ts's schema so every problem is still listed at once. */
export const emailEnvShape = {
  SMTP_HOST: oneLine.refine((value) => value === undefined || /^[A-Za-z0-9.:[\]-]+$/.test(value), {
    error: "must be a host name or IP address",
  }),
  SMTP_PORT: optional.refine(
    (value) => value === undefined || (/^\d+$/.test(value) && Number(value) <= 65535),
    { error: "must be an integer from 1 to 65535" },
  ),
  SMTP_TLS: z.preprocess(
    blankAsMissing,
    z
      .enum(["starttls", "tls", "off"], { error: "must be starttls, tls or off" })
      .default("starttls"),
  ),
  SMTP_USER: oneLine,
  SMTP_PASSWORD: oneLine,
  MAIL_FROM: oneLine.refine(
    (value) => value === undefined || /^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(value),
    { error: "must be an address, optionally with a name: Xstream <noreply@example.org>" },
  ),
};

type EmailEnv = z.output<z.ZodObject<typeof emailEnvShape>>;

export function emailConfigFrom(e: EmailEnv, publicUrl: URL): EmailConfig | undefined {
  if (e.SMTP_HOST === undefined) return undefined;
  return {
    host: e.SMTP_HOST,
    port: e.SMTP_PORT !== undefined ? Number(e.SMTP_PORT) : e.SMTP_TLS === "tls" ? 465 : 587,
    tls: e.SMTP_TLS,
    auth:
      e.SMTP_USER !== undefined ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? "" } : undefined,
    from: e.MAIL_FROM ?? `Xstream <noreply@${publicUrl.hostname}>`,
  };
}
