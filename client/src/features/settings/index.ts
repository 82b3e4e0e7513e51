// What other features may use of settings/ (the import-boundary check allows nothing else).

export { CHAT_SETTINGS_TYPE, readChatSettings } from "./chatSettings";
