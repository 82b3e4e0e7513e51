// The bridge's email endpoints for the settings section; createAppServices() sets them, as it
// sets background push.
import type { EmailApi } from "../../api/emailApi";

let current: EmailApi | null = null;

export function setEmailApi(api: EmailApi | null): void {
  current = api;
}

export function currentEmailApi(): EmailApi | null {
  return current;
}
