// The recovery feature's public entry: key backup, cross-signing and the recovery key.
export { RecoveryOffer } from "./RecoveryOffer";
export { RecoveryPanel } from "./RecoveryPanel";
export { RecoverySettings } from "./RecoverySettings";
export { pageSecretStorageKeys, SecretStorageKeys } from "./secretStorageKeys";
export { useRecovery } from "./useRecovery";
