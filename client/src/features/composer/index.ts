// What other features may use of composer/ (the import-boundary check allows nothing else).

export { Composer } from "./Composer";
export { PendingMessageActions } from "./PendingMessageActions";
