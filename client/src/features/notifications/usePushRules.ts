import type { ClientEvent, IPushRules, MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { useCallback, useState, useSyncExternalStore } from "react";
import { sdkValue } from "../../matrix/sdkValues";
import { applyPushRuleChanges, type PushRuleChange } from "./pushRuleSettings";

const AccountData = sdkValue<ClientEvent.AccountData>("accountData");
const noSubscription = () => () => {};
const noRules = () => undefined;

/**
 * The learner's push rules as the client last synced them, and a way to change them. After a
 * change the rules are read back at once, so the choice shows without waiting for the sync.
 */
export function usePushRules(client: MatrixClient | null): {
  rules: IPushRules | undefined;
  saving: boolean;
  error: string | null;
  change: (changes: PushRuleChange[]) => Promise<boolean>;
} {
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!client) return () => {};
      const onAccountData = (event: MatrixEvent) => {
        if (event.getType() === "m.push_rules") listener();
      };
      client.on(AccountData, onAccountData);
      return () => void client.off(AccountData, onAccountData);
    },
    [client],
  );
  const rules = useSyncExternalStore(
    client ? subscribe : noSubscription,
    client ? () => client.pushRules : noRules,
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const change = useCallback(
    async (changes: PushRuleChange[]) => {
      if (!client) return false;
      if (changes.length === 0) return true;
      setSaving(true);
      setError(null);
      try {
        await applyPushRuleChanges(client, changes);
        client.pushRules = await client.getPushRules();
        setVersion((version) => version + 1);
        return true;
      } catch (problem) {
        setError(
          `Couldn't save the notification setting: ${problem instanceof Error ? problem.message : String(problem)}`,
        );
        return false;
      } finally {
        setSaving(false);
      }
    },
    [client],
  );
  return { rules, saving, error, change };
}
