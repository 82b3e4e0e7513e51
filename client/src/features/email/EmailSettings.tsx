import { type FormEvent, useId, useState } from "react";
import type { EmailApi } from "../../api/emailApi";
import { Button } from "../../ui/Button";
import { CheckboxField } from "../../ui/CheckboxField";
import { SaveStatus } from "../../ui/SaveStatus";
import { TextField } from "../../ui/TextField";
import { EMAIL_MAX_LENGTH, type EmailMatrix } from "./emailAddress";
import { currentEmailApi } from "./emailService";
import { useEmailSettings } from "./useEmailSettings";

/**
 * Settings → Email: add an address (verified by the homeserver's mail), then choose which mails
 * come: missed messages (the homeserver's notifier) and partner requests (the bridge).
 */
export function EmailSettings({
  client,
  api = currentEmailApi(),
}: {
  client: EmailMatrix | null;
  api?: EmailApi | null;
}) {
  const titleId = useId();
  const email = useEmailSettings(client, api);
  const [address, setAddress] = useState("");
  const [password, setPassword] = useState("");
  const { view, busy } = email;

  const submitAddress = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void email.add(address);
  };
  const submitPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (view.step === "pending") void email.finish(view.pending, password);
  };

  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Email
      </h2>
      {view.step === "loading" && <p className="panel__intro">Loading…</p>}
      {view.step === "off" && (
        <p className="panel__intro">
          This server does not send email, so there is no address to add. Browser and push
          notifications still work.
        </p>
      )}
      {view.step === "none" && (
        <form className="settings-form" noValidate onSubmit={submitAddress} aria-busy={busy}>
          <p className="panel__intro">
            Add an address to hear about messages you missed and new partner requests. We send a
            link to check it is yours.
          </p>
          <TextField
            label="Email address"
            type="email"
            autoComplete="email"
            maxLength={EMAIL_MAX_LENGTH}
            value={address}
            onChange={(event) => setAddress(event.currentTarget.value)}
            error={email.fieldError}
            required
          />
          <div className="settings-form__actions">
            <Button type="submit" disabled={busy}>
              {busy ? "Sending…" : "Send verification link"}
            </Button>
          </div>
        </form>
      )}
      {view.step === "pending" && (
        <form className="settings-form" noValidate onSubmit={submitPassword} aria-busy={busy}>
          <p className="panel__intro" role="status">
            We sent a link to <strong>{view.pending.email}</strong>. Open it, then confirm with your
            password to finish.
          </p>
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={email.fieldError}
            required
          />
          <div className="settings-form__actions">
            <Button type="submit" disabled={busy}>
              {busy ? "Checking…" : "Finish"}
            </Button>
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => void email.resend(view.pending)}
            >
              Send the link again
            </Button>
            <Button variant="link" disabled={busy} onClick={() => email.cancel()}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {view.step === "verified" && (
        <>
          <p className="panel__intro">
            <strong>{view.address}</strong> (verified)
          </p>
          <CheckboxField
            label="Email me about messages I have not read"
            hint="Sent by the homeserver when a message waits unread for a while."
            checked={view.missedMessageMails}
            disabled={busy}
            onChange={(event) =>
              void email.setMissedMessages(view.address, event.currentTarget.checked)
            }
          />
          <CheckboxField
            label="Email me about partner requests and new partners"
            checked={view.partnerMails}
            disabled={busy}
            onChange={(event) => void email.setPartnerMails(event.currentTarget.checked)}
          />
          <div className="settings-form__actions">
            <Button
              variant="danger"
              disabled={busy}
              onClick={() => void email.remove(view.address)}
            >
              Remove address
            </Button>
          </div>
        </>
      )}
      <SaveStatus saving={busy && view.step === "verified"} error={email.error} />
    </section>
  );
}
