// What other features may use of timeline/ (the import-boundary check allows nothing else).

export type { MessageRef } from "./MessageTile";
export { Timeline } from "./Timeline";
export { useTimeline } from "./useTimeline";
