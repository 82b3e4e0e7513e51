// What other features may use of auth/ (the import-boundary check allows nothing else).

export {
  type PasswordChangeDetails,
  type PasswordChangeFieldErrors,
  validateConfirmation,
  validateNewPassword,
  validatePasswordChange,
} from "./credentials";
export { NewPasswordFields } from "./NewPasswordFields";
export { useCheckedForm } from "./useCheckedForm";
