import { useCallback, useEffect, useState } from "react";
import type { EmailApi } from "../../api/emailApi";
import {
  type EmailMatrix,
  emailProblem,
  type FinishOutcome,
  finishVerification,
  loadEmailState,
  type PendingEmail,
  readPending,
  removeEmail,
  requestVerification,
  setMissedMessageMails,
  writePending,
} from "./emailAddress";

export type EmailView =
  | { step: "loading" }
  /** The server sends no mail (no SMTP); nothing to set. */
  | { step: "off" }
  | { step: "none" }
  | { step: "pending"; pending: PendingEmail }
  | { step: "verified"; address: string; missedMessageMails: boolean; partnerMails: boolean };

const FINISH_TEXT: Record<Exclude<FinishOutcome, "added">, string> = {
  link_not_opened: "Open the link in the mail first, then try again.",
  wrong_password: "That password is not right.",
};

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

const failed = "That did not work. Check your connection and try again.";

/** The settings section's state and actions; the component only renders them. */
export function useEmailSettings(client: EmailMatrix | null, api: EmailApi | null) {
  const [view, setView] = useState<EmailView>({ step: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);

  const reload = useCallback(async () => {
    if (!client || !api) return;
    try {
      const settings = await api.settings();
      if (!settings.enabled) {
        setView({ step: "off" });
        return;
      }
      const state = await loadEmailState(client);
      const pending = readPending(storage());
      if (state.address) {
        setView({
          step: "verified",
          address: state.address,
          missedMessageMails: state.missedMessageMails,
          partnerMails: settings.partner_mails,
        });
      } else if (pending) {
        setView({ step: "pending", pending });
      } else {
        setView({ step: "none" });
      }
    } catch {
      setError("Your email settings could not be loaded.");
    }
  }, [client, api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch {
      setError(failed);
    } finally {
      setBusy(false);
    }
  };

  const language = globalThis.navigator?.language ?? "en";
  const setVerified = (change: { missedMessageMails?: boolean; partnerMails?: boolean }) =>
    setView((old) => (old.step === "verified" ? { ...old, ...change } : old));

  return {
    view,
    busy,
    error,
    fieldError,
    async add(email: string) {
      const problem = emailProblem(email);
      setFieldError(problem);
      if (problem || !client) return;
      await run(async () => {
        try {
          const pending = await requestVerification(client, email);
          writePending(storage(), pending);
          setView({ step: "pending", pending });
        } catch (cause) {
          const errcode = (cause as { errcode?: string }).errcode;
          if (errcode === "M_THREEPID_IN_USE") setFieldError("That address is already in use.");
          else if (errcode === "M_INVALID_PARAM" || errcode === "M_BAD_JSON")
            setFieldError("Enter an address like name@example.org");
          else throw cause;
        }
      });
    },
    async resend(pending: PendingEmail) {
      if (!client) return;
      await run(async () => {
        const again = await requestVerification(client, pending.email, pending);
        writePending(storage(), again);
        setView({ step: "pending", pending: again });
      });
    },
    async finish(pending: PendingEmail, password: string) {
      if (!client) return;
      if (password === "") {
        setFieldError("Enter your password");
        return;
      }
      setFieldError(undefined);
      await run(async () => {
        const outcome = await finishVerification(client, pending, password, language);
        if (outcome !== "added") {
          setFieldError(FINISH_TEXT[outcome]);
          return;
        }
        writePending(storage(), undefined);
        await reload();
      });
    },
    cancel() {
      writePending(storage(), undefined);
      setFieldError(undefined);
      setView({ step: "none" });
    },
    async remove(address: string) {
      if (!client) return;
      await run(async () => {
        await removeEmail(client, address);
        await reload();
      });
    },
    async setMissedMessages(address: string, on: boolean) {
      if (!client) return;
      // Shown at once; taken back if the homeserver refuses.
      setVerified({ missedMessageMails: on });
      await run(async () => {
        try {
          await setMissedMessageMails(client, address, on, language);
        } catch (cause) {
          setVerified({ missedMessageMails: !on });
          throw cause;
        }
      });
    },
    async setPartnerMails(on: boolean) {
      if (!api) return;
      setVerified({ partnerMails: on });
      await run(async () => {
        try {
          const settings = await api.setPartnerMails(on);
          setVerified({ partnerMails: settings.partner_mails });
        } catch (cause) {
          setVerified({ partnerMails: !on });
          throw cause;
        }
      });
    },
  };
}
