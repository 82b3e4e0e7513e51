// What other features may use of email/ (the import-boundary check allows nothing else).

export { EmailSettings } from "./EmailSettings";
