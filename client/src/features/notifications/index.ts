// What other features may use of notifications/ (the import-boundary check allows nothing else).

export { NotificationSettings } from "./NotificationSettings";
export { RoomNotificationSelect } from "./RoomNotificationSelect";
export { useNotifier } from "./useNotifier";
