// The recovery feature's public entry: key backup, cross-signing and the recovery key. Its
// screens load lazily; the key cache is what the Matrix connection needs from the start.
export { preloadRecoveryOffer, RecoveryOffer, RecoverySettings } from "./lazyViews";
export { pageSecretStorageKeys, SecretStorageKeys } from "./secretStorageKeys";
