// What other features may use of presence/ (the import-boundary check allows nothing else).

export { PresenceAvatar } from "./PresenceAvatar";
export { usePresence } from "./usePresence";
