import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { NewPasswordFields } from "./NewPasswordFields";
import type { CheckedFieldProps } from "./useCheckedForm";

const props = (name: string, error?: string): CheckedFieldProps => ({
  ref: vi.fn(),
  name,
  value: "",
  error,
  onChange: vi.fn(),
  onBlur: vi.fn(),
});

describe("NewPasswordFields", () => {
  it("labels both fields for password managers and describes the rule", () => {
    render(
      <NewPasswordFields
        label="New password"
        password={props("newPassword")}
        confirmation={props("confirmPassword")}
      />,
    );

    const password = screen.getByLabelText("New password");
    expect(password).toHaveAttribute("name", "newPassword");
    expect(password).toHaveAttribute("type", "password");
    expect(password).toHaveAttribute("autocomplete", "new-password");
    expect(password).toBeRequired();
    expect(password).toHaveAccessibleDescription("At least 10 characters, without your username.");
    const confirmation = screen.getByLabelText("Confirm password");
    expect(confirmation).toHaveAttribute("name", "confirmPassword");
    expect(confirmation).toHaveAttribute("type", "password");
    expect(confirmation).toHaveAttribute("autocomplete", "new-password");
    expect(confirmation).toBeRequired();
  });

  it("shows each field's message on that field", () => {
    render(
      <NewPasswordFields
        label="Password"
        password={props("password")}
        confirmation={props("confirmPassword", "The passwords don't match")}
      />,
    );

    expect(screen.getByLabelText("Password")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("Confirm password")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Confirm password")).toHaveAccessibleDescription(
      "The passwords don't match",
    );
  });
});
