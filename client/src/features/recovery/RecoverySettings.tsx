import { useId } from "react";
import { RecoveryPanel } from "./RecoveryPanel";
import { useRecovery } from "./useRecovery";

/** The settings section "Encryption and recovery". */
export function RecoverySettings() {
  const recovery = useRecovery();
  const titleId = useId();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="panel__title">
        Encryption and recovery
      </h2>
      {recovery ? (
        <RecoveryPanel recovery={recovery} />
      ) : (
        <p>Available once you are connected to Matrix.</p>
      )}
    </section>
  );
}
