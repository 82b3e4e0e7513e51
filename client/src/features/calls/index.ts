// What other features may use of calls/ (the import-boundary check allows nothing else).

export { CallButtons } from "./CallButtons";
export { CallNoticeRow } from "./CallNoticeRow";
export { type CallNotice, callMemberEventInput, callNotices, devicesInCall } from "./callNotices";
