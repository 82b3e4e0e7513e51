import nodemailer from "nodemailer";
import type { MailTransport } from "../domain/partnerMail.js";
import type { EmailConfig } from "./emailConfig.js";

/** How long one SMTP step may take; the outbox retries later rather than hang a sender. */
const SMTP_TIMEOUT_MS = 15_000;

/** Sends through the configured SMTP server with nodemailer (pooled connections). */
export function createSmtpTransport(config: EmailConfig): MailTransport {
  const transporter = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.tls === "tls",
    requireTLS: config.tls === "starttls",
    ignoreTLS: config.tls === "off",
    auth: config.auth,
    pool: true,
    maxConnections: 2,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    // nodemailer's own logger would print recipients; the outbox logs outcomes without them.
    logger: false,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
        // RFC 8058: mail clients offer "Unsubscribe" and POST List-Unsubscribe=One-Click to it.
        list: { unsubscribe: { url: mail.unsubscribeUrl, comment: "Unsubscribe" } },
        headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
    },
  };
}
