import type { ClientEvent, MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { useCallback, useEffect, useState } from "react";
import { sdkValue } from "../../matrix/sdkValues";
import {
  CHAT_SETTINGS_TYPE,
  type ChatSettings,
  DEFAULT_CHAT_SETTINGS,
  readChatSettings,
  saveChatSettings,
} from "./chatSettings";

const ACCOUNT_DATA = sdkValue<ClientEvent.AccountData>("accountData");

export type UseChatSettings = {
  settings: ChatSettings;
  /** A change is on its way to the homeserver. */
  saving: boolean;
  /** Why the last change could not be saved. */
  error: string | null;
  change: (change: Partial<ChatSettings>) => void;
};

/**
 * The person's chat settings from their account data, kept up to date (another device may change
 * them), and a way to change them. Shows a change at once and takes it back if saving fails.
 */
export function useChatSettings(client: MatrixClient | null): UseChatSettings {
  const [settings, setSettings] = useState(() =>
    client ? readChatSettings(client) : DEFAULT_CHAT_SETTINGS,
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!client) return;
    setSettings(readChatSettings(client));
    const onAccountData = (event: MatrixEvent) => {
      if (event.getType() === CHAT_SETTINGS_TYPE) setSettings(readChatSettings(client));
    };
    client.on(ACCOUNT_DATA, onAccountData);
    return () => {
      client.off(ACCOUNT_DATA, onAccountData);
    };
  }, [client]);

  const change = useCallback(
    (change: Partial<ChatSettings>) => {
      if (!client) return;
      setSettings((current) => ({ ...current, ...change }));
      setSaving(true);
      setError(null);
      saveChatSettings(client, change)
        .catch((cause: unknown) => {
          setError(
            `Couldn't save the setting: ${cause instanceof Error ? cause.message : String(cause)}`,
          );
          setSettings(readChatSettings(client));
        })
        .finally(() => setSaving(false));
    },
    [client],
  );

  return { settings, saving, error, change };
}
