// The partners domain's public entry, for the API's routers and the bot. Each job lives in its own
// module: profiles, suggestions, requests, rooms, blocks and reports.

export { blockUser, listBlocks, unblockUser } from "./partnerBlocks.js";
export {
  changeProfile,
  getProfile,
  publishPendingProfiles,
  refreshDisplayName,
  saveProfile,
} from "./partnerProfiles.js";
export {
  listReports,
  REPORT_EVIDENCE_MAX,
  REPORT_REASON_MAX,
  reportUser,
} from "./partnerReports.js";
export {
  acceptRequest,
  declineRequest,
  listPartners,
  listRequests,
  requestPartner,
} from "./partnerRequests.js";
export { createMissingPartnerRooms, ROOM_CREATION_STALE_MS } from "./partnerRooms.js";
export { CANDIDATE_POOL, findPartners, MAX_SUGGESTIONS } from "./partnerSuggestions.js";
