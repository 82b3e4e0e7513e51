import type { ButtonHTMLAttributes, Ref } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "link";

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  /** Stretch to the width of the container (forms, narrow screens). */
  fullWidth?: boolean;
  ref?: Ref<HTMLButtonElement>;
};

/** A native button with the app's look. Defaults to `type="button"` so it never submits by accident. */
export function Button({
  variant = "primary",
  fullWidth = false,
  type = "button",
  className,
  ...rest
}: ButtonProps) {
  const classes = ["button", `button--${variant}`, fullWidth && "button--full", className]
    .filter(Boolean)
    .join(" ");
  return <button type={type} className={classes} {...rest} />;
}
