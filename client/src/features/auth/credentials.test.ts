import { describe, expect, it } from "vitest";
import {
  DISPLAY_NAME_MAX_LENGTH,
  USERNAME_SYMBOLS,
  validateDisplayName,
  validateNewPassword,
  validatePasswordChange,
  validateSignIn,
  validateSignUp,
  validateUsername,
} from "./credentials";

describe("validateSignIn", () => {
  it("accepts a filled-in username and password", () => {
    expect(validateSignIn({ username: "ana", password: "secret" })).toEqual({});
  });

  it("asks for both fields when they are empty", () => {
    expect(validateSignIn({ username: "", password: "" })).toEqual({
      username: "Enter your username",
      password: "Enter your password",
    });
  });

  it("treats a whitespace-only username as empty but keeps a whitespace password", () => {
    expect(validateSignIn({ username: "   ", password: "  " })).toEqual({
      username: "Enter your username",
    });
  });
});

describe("validateUsername", () => {
  it.each(["ana", "ana.lima", "a_b=c-d/e", "x1y", "a".repeat(32)])("accepts %j", (name) => {
    expect(validateUsername(name)).toBeUndefined();
  });

  it.each([
    ["", "Choose a username"],
    ["ab", "Use at least 3 characters"],
    ["a".repeat(33), "Use at most 32 characters"],
    ["Ana", "Use lower-case letters only"],
    ["ana!", `Use only lower-case letters, digits and ${USERNAME_SYMBOLS}`],
    ["аna", `Use only lower-case letters, digits and ${USERNAME_SYMBOLS}`], // Cyrillic а look-alike
    ["ana lima", `Use only lower-case letters, digits and ${USERNAME_SYMBOLS}`],
  ])("refuses %j", (name, message) => {
    expect(validateUsername(name)).toBe(message);
  });
});

// An emoji is one code point but two UTF-16 units: counted by `length`, the form would refuse
// names the bridge takes and take passwords the bridge refuses.
const EMOJI = "🦊";

describe("validateDisplayName", () => {
  it("counts characters as the bridge does, an emoji as one", () => {
    expect(DISPLAY_NAME_MAX_LENGTH).toBe(64);
    expect(EMOJI.length).toBe(2);
    expect(validateDisplayName(EMOJI.repeat(64))).toBeUndefined();
    expect(validateDisplayName(`${"n".repeat(63)}${EMOJI}`)).toBeUndefined();
    expect(validateDisplayName(EMOJI.repeat(65))).toBe("Use at most 64 characters");
    expect(validateDisplayName(`${"n".repeat(64)}${EMOJI}`)).toBe("Use at most 64 characters");
  });

  it("does not count the spaces around a name, which the bridge trims", () => {
    expect(validateDisplayName(`  ${EMOJI.repeat(64)}  `)).toBeUndefined();
  });
});

describe("validateNewPassword", () => {
  it("needs at least 10 characters", () => {
    expect(validateNewPassword("123456789", "ana")).toBe("Use at least 10 characters");
    expect(validateNewPassword("1234567890", "ana")).toBeUndefined();
  });

  it("counts an emoji as one character, as the bridge does", () => {
    expect(validateNewPassword(EMOJI.repeat(9), "ana")).toBe("Use at least 10 characters");
    expect(validateNewPassword(EMOJI.repeat(10), "ana")).toBeUndefined();
  });

  it("refuses a password containing the username, whatever the case", () => {
    expect(validateNewPassword("my-ANA-password", "ana")).toBe(
      "Don't include your username in your password",
    );
  });

  it("does not compare against a username that is itself invalid", () => {
    expect(validateNewPassword("abcdefghijk", "a")).toBeUndefined();
  });
});

describe("validateSignUp", () => {
  it("accepts a complete, consistent form", () => {
    expect(
      validateSignUp({
        username: "ana",
        displayName: "Ana",
        password: "tangerine-sky",
        confirmPassword: "tangerine-sky",
      }),
    ).toEqual({});
  });

  it("reports each broken rule on its field", () => {
    expect(
      validateSignUp({
        username: "Ana",
        displayName: "  ",
        password: "short",
        confirmPassword: "other",
      }),
    ).toEqual({
      username: "Use lower-case letters only",
      displayName: "Enter the name other learners will see",
      password: "Use at least 10 characters",
      confirmPassword: "The passwords don't match",
    });
  });
});

describe("validatePasswordChange", () => {
  it("needs the current password and a valid, confirmed new one", () => {
    expect(
      validatePasswordChange(
        { currentPassword: "", newPassword: "ana-is-me-123", confirmPassword: "" },
        "ana",
      ),
    ).toEqual({
      currentPassword: "Enter your current password",
      newPassword: "Don't include your username in your password",
      confirmPassword: "Type the password again",
    });
  });
});
