import { useEffect, useMemo, useSyncExternalStore } from "react";
import { useOptionalMatrixClient } from "../../matrix/useMatrixClient";
import { type RecoverySnapshot, RecoveryViewModel } from "./RecoveryViewModel";
import { pageSecretStorageKeys } from "./secretStorageKeys";

export type UseRecovery = RecoverySnapshot & {
  setUp: (passphrase: string | null) => void;
  unlock: (input: string) => void;
  reset: (password: string, passphrase: string | null) => void;
  acknowledgeKey: () => void;
};

const noSubscription = () => () => {};
const nothing = () => null;

/**
 * The learner's recovery, once Matrix has synced (secret storage lives in account data, which
 * the first sync brings); null before that and outside a Matrix connection.
 */
export function useRecovery(): UseRecovery | null {
  const matrix = useOptionalMatrixClient();
  const synced = matrix?.status === "connected" || matrix?.status === "reconnecting";
  const client = synced ? matrix.client : null;
  const model = useMemo(
    () => (client ? new RecoveryViewModel(client, pageSecretStorageKeys) : null),
    [client],
  );
  const snapshot = useSyncExternalStore(
    model?.subscribe ?? noSubscription,
    model?.getSnapshot ?? nothing,
  );
  // Encryption starting later than the first sync (its WASM loads lazily) changes the answer.
  const encryption = matrix?.encryption;
  useEffect(() => {
    if (encryption) void model?.check();
  }, [model, encryption]);
  return useMemo(
    () =>
      model && snapshot
        ? {
            ...snapshot,
            setUp: (passphrase) => void model.setUp(passphrase),
            unlock: (input) => void model.unlock(input),
            reset: (password, passphrase) => void model.reset(password, passphrase),
            acknowledgeKey: () => model.acknowledgeKey(),
          }
        : null,
    [model, snapshot],
  );
}
