// What other features may use of members/ (the import-boundary check allows nothing else).

export { MemberPanel } from "./MemberPanel";
export type { MemberView } from "./roster";
export { useMembers } from "./useMembers";
