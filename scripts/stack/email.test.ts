import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bridgeEmailEnv, stackEmailFromEnv, synapseEmailTemplateValues } from "./email.ts";
import { synapseTemplates } from "./paths.ts";
import { renderTemplate } from "./render.ts";

const template = () => readFile(join(synapseTemplates, "email.yaml"), "utf8");

describe("the stack's email settings", () => {
  it("are off without XSTREAM_SMTP_HOST", () => {
    expect(stackEmailFromEnv({}, "localhost")).toEqual({ email: undefined, problems: [] });
    expect(bridgeEmailEnv(undefined)).toEqual({});
  });

  it("render Synapse's email section with the values intact, however they are quoted", async () => {
    const { email, problems } = stackEmailFromEnv(
      {
        XSTREAM_SMTP_HOST: "smtp.example.org",
        XSTREAM_SMTP_USER: "mailer",
        XSTREAM_SMTP_PASSWORD: 'p"a\\ss: #word',
        XSTREAM_EMAIL_NOTIF_DELAY: "30s",
      },
      "chat.example.org:8448",
    );
    expect(problems).toEqual([]);
    expect(email).toMatchObject({
      port: 587,
      tls: "starttls",
      from: "Xstream <noreply@chat.example.org>",
    });
    if (!email) throw new Error("email settings expected");
    const rendered = renderTemplate(
      await template(),
      { XS_PUBLIC_URL: "https://chat.example.org", ...synapseEmailTemplateValues(email) },
      "email.yaml",
    );
    expect(parse(rendered).email).toMatchObject({
      smtp_host: "smtp.example.org",
      smtp_port: 587,
      smtp_user: "mailer",
      smtp_pass: 'p"a\\ss: #word',
      require_transport_security: true,
      enable_tls: true,
      force_tls: false,
      notif_from: "Xstream <noreply@chat.example.org>",
      enable_notifs: true,
      notif_for_new_users: true,
      notif_delay_before_mail: "30s",
      client_base_url: "https://chat.example.org",
    });
    expect(bridgeEmailEnv(email)).toEqual({
      SMTP_HOST: "smtp.example.org",
      SMTP_PORT: "587",
      SMTP_TLS: "starttls",
      MAIL_FROM: "Xstream <noreply@chat.example.org>",
      SMTP_USER: "mailer",
      SMTP_PASSWORD: 'p"a\\ss: #word',
    });
  });

  it("refuse values that would add a line to the config or a header to every mail", () => {
    const { problems } = stackEmailFromEnv(
      {
        XSTREAM_SMTP_HOST: "smtp.example.org\nemail: {}",
        XSTREAM_MAIL_FROM: "x@example.org\r\nBcc: spy@example.org",
        XSTREAM_SMTP_TLS: "maybe",
        XSTREAM_EMAIL_NOTIF_DELAY: "soon",
      },
      "localhost",
    );
    expect([...new Set(problems.map((problem) => problem.split(":")[0]))].sort()).toEqual([
      "XSTREAM_EMAIL_NOTIF_DELAY",
      "XSTREAM_MAIL_FROM",
      "XSTREAM_SMTP_HOST",
      "XSTREAM_SMTP_TLS",
    ]);
  });
});
