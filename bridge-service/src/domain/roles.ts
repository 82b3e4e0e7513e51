import { ROLES, type Role } from "../store/accountStore.js";

export { ROLES, type Role };

/** Roles are ranked: an admin may do what a moderator may, a moderator what a user may. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
