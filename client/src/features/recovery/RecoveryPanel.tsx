import { type FormEvent, useState } from "react";
import { Button } from "../../ui/Button";
import { CheckboxField } from "../../ui/CheckboxField";
import { TextField } from "../../ui/TextField";
import type { UseRecovery } from "./useRecovery";
import "./recovery.css";

/** A passphrase shorter than this is too easy to guess for what it protects. */
export const MIN_PASSPHRASE_LENGTH = 10;

/** Why a passphrase and its confirmation cannot be used, or null. */
export function passphraseProblem(passphrase: string, confirmation: string): string | null {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`;
  }
  if (passphrase !== confirmation) return "The two passphrases are different.";
  return null;
}

/**
 * Everything about recovery in one place: set it up (a recovery key, or a passphrase too), save
 * the new key, unlock this browser with the key or passphrase, or reset a lost key.
 */
export function RecoveryPanel({ recovery }: { recovery: UseRecovery }) {
  return (
    <div className="recovery">
      {recovery.newRecoveryKey ? (
        <NewRecoveryKey recoveryKey={recovery.newRecoveryKey} onSaved={recovery.acknowledgeKey} />
      ) : (
        <RecoveryStep recovery={recovery} />
      )}
      <p className="notice notice--error live-region" role="alert">
        {recovery.error}
      </p>
    </div>
  );
}

function RecoveryStep({ recovery }: { recovery: UseRecovery }) {
  switch (recovery.status) {
    case "checking":
      return <p role="status">Checking your recovery…</p>;
    case "unavailable":
      return (
        <p>
          Encryption is not running in this tab, so recovery cannot be set up or used here. Close
          other Xstream tabs and reload.
        </p>
      );
    case "notSetUp":
      return <SetUpForm recovery={recovery} />;
    case "locked":
      return <UnlockForm recovery={recovery} />;
    case "ready":
      return (
        <>
          <p role="status">
            Recovery is on. This browser is verified, and the keys of your encrypted messages are
            backed up on the server, locked with your recovery key.
            {recovery.restoredKeys !== null &&
              ` Restored ${recovery.restoredKeys} message keys from your backup.`}
          </p>
          <ResetForm recovery={recovery} />
        </>
      );
  }
}

function PassphraseFields({
  passphrase,
  confirmation,
  error,
  onChange,
}: {
  passphrase: string;
  confirmation: string;
  error: string | null;
  onChange: (passphrase: string, confirmation: string) => void;
}) {
  return (
    <>
      <TextField
        label="Passphrase"
        type="password"
        autoComplete="new-password"
        hint="Something only you know, different from your password."
        value={passphrase}
        onChange={(event) => onChange(event.target.value, confirmation)}
      />
      <TextField
        label="Confirm passphrase"
        type="password"
        autoComplete="new-password"
        value={confirmation}
        error={error ?? undefined}
        onChange={(event) => onChange(passphrase, event.target.value)}
      />
    </>
  );
}

/** The passphrase part of a form: off, or on with its two fields and their check. */
function usePassphrase() {
  const [using, setUsing] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [error, setError] = useState<string | null>(null);
  return {
    using,
    setUsing,
    fields: (
      <PassphraseFields
        passphrase={passphrase}
        confirmation={confirmation}
        error={error}
        onChange={(next, nextConfirmation) => {
          setPassphrase(next);
          setConfirmation(nextConfirmation);
          setError(null);
        }}
      />
    ),
    /** The passphrase to use (null without one), or undefined after showing why it can't be. */
    take(): string | null | undefined {
      if (!using) return null;
      const problem = passphraseProblem(passphrase, confirmation);
      setError(problem);
      return problem ? undefined : passphrase;
    },
  };
}

function SetUpForm({ recovery }: { recovery: UseRecovery }) {
  const passphrase = usePassphrase();
  function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = passphrase.take();
    if (chosen !== undefined) recovery.setUp(chosen);
  }
  return (
    <form className="recovery__form" onSubmit={submit} noValidate>
      <p>
        Set up recovery so you can read your encrypted messages in another browser or after signing
        out. Xstream backs up their keys on the server, locked with a recovery key that only you
        keep.
      </p>
      <CheckboxField
        label="Also unlock it with a passphrase"
        checked={passphrase.using}
        onChange={(event) => passphrase.setUsing(event.target.checked)}
      />
      {passphrase.using && passphrase.fields}
      <Button type="submit" disabled={recovery.working !== null}>
        {recovery.working === "settingUp" ? "Setting up…" : "Set up recovery"}
      </Button>
    </form>
  );
}

function UnlockForm({ recovery }: { recovery: UseRecovery }) {
  const [input, setInput] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (input.trim() !== "") recovery.unlock(input);
  }
  return (
    <>
      <form className="recovery__form" onSubmit={submit} noValidate>
        <p>
          Your encrypted messages are backed up. Enter your recovery key (or your passphrase) to
          read your earlier encrypted messages in this browser and to verify it.
        </p>
        <TextField
          label="Recovery key or passphrase"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={input}
          onChange={(event) => setInput(event.target.value)}
        />
        <Button type="submit" disabled={recovery.working !== null || input.trim() === ""}>
          {recovery.working === "unlocking" ? "Unlocking…" : "Unlock"}
        </Button>
      </form>
      <ResetForm recovery={recovery} lost />
    </>
  );
}

function ResetForm({ recovery, lost = false }: { recovery: UseRecovery; lost?: boolean }) {
  const [password, setPassword] = useState("");
  const passphrase = usePassphrase();
  function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = passphrase.take();
    if (chosen !== undefined && password !== "") recovery.reset(password, chosen);
  }
  return (
    <details className="recovery__reset">
      <summary>{lost ? "Lost your recovery key?" : "Make a new recovery key"}</summary>
      <form className="recovery__form" onSubmit={submit} noValidate>
        <p>
          {lost
            ? "Resetting makes new keys and a new, empty backup: earlier encrypted messages that no signed-in browser of yours holds can no longer be read."
            : "Resetting replaces your recovery key and starts a new backup; the old key stops working."}
        </p>
        <TextField
          label="Your password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <CheckboxField
          label="Also unlock it with a passphrase"
          checked={passphrase.using}
          onChange={(event) => passphrase.setUsing(event.target.checked)}
        />
        {passphrase.using && passphrase.fields}
        <Button
          type="submit"
          variant="danger"
          disabled={recovery.working !== null || password === ""}
        >
          {recovery.working === "resetting" ? "Resetting…" : "Reset recovery"}
        </Button>
      </form>
    </details>
  );
}

function NewRecoveryKey({ recoveryKey, onSaved }: { recoveryKey: string; onSaved: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(`${recoveryKey}\n`)}`;
  return (
    <div className="recovery__form">
      <p>
        Save your recovery key somewhere safe, such as a password manager. It is the only way to
        read your encrypted messages in a new browser; Xstream cannot show it again.
      </p>
      <TextField
        label="Recovery key"
        className="recovery__key"
        readOnly
        spellCheck={false}
        value={recoveryKey}
        onFocus={(event) => event.currentTarget.select()}
      />
      <div className="recovery__actions">
        <Button
          variant="secondary"
          onClick={() =>
            void navigator.clipboard?.writeText(recoveryKey).then(() => setCopied(true))
          }
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <a className="button button--secondary" href={download} download="xstream-recovery-key.txt">
          Download
        </a>
      </div>
      <CheckboxField
        label="I have saved my recovery key"
        checked={saved}
        onChange={(event) => setSaved(event.target.checked)}
      />
      <Button disabled={!saved} onClick={onSaved}>
        Done
      </Button>
    </div>
  );
}
