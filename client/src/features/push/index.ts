// What other features may use of push/ (the import-boundary check allows nothing else).

export { BackgroundPushSetting } from "./BackgroundPushSetting";
