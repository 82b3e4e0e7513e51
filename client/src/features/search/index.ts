// The search feature's public entry: finding people (the user directory) and messages.

export { MessageSearchPage } from "./MessageSearchPage";
export { NewChatDialog } from "./NewChatDialog";
export { PeoplePicker } from "./PeoplePicker";
export type { Person } from "./PeopleSearchViewModel";
export { type UsePeopleSearch, usePeopleSearch } from "./usePeopleSearch";
export { type RevealState, useRevealEvent } from "./useRevealEvent";
