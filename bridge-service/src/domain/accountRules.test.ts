import { describe, expect, it } from "vitest";
import { validateDisplayName, validateNewPassword, validateNewUsername } from "./accountRules.js";
import { COMMON_PASSWORDS } from "./commonPasswords.js";
import { Refusal, type RefusalReason } from "./refusal.js";

function refusalOf(run: () => unknown): { reason: RefusalReason; field?: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof Refusal) return { reason: error.reason, field: error.field };
    throw error;
  }
}

describe("validateNewUsername", () => {
  it.each([
    ["ana", "ana"],
    ["  Ana.Garcia  ", "ana.garcia"],
    ["x_y=z-w/v", "x_y=z-w/v"],
    ["a".repeat(32), "a".repeat(32)],
    ["learner42", "learner42"],
  ])("accepts %j as %j", (input, expected) => {
    expect(validateNewUsername(input)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too short", "ab"],
    ["too long", "a".repeat(33)],
    ["Cyrillic а in аdmin", "\u0430dmin"],
    ["Cyrillic lookalike of ana", "\u0430n\u0430"],
    ["Kelvin sign, which lower-cases to k", "\u212Aate"],
    ["fullwidth letters", "\uFF41\uFF4E\uFF41"],
    ["zero-width space", "an\u200Ba"],
    ["emoji", "ana🙂"],
    ["space inside", "ana garcia"],
    ["plus (historical localpart character)", "ana+1"],
    ["at sign", "@ana"],
    ["colon", "ana:example.org"],
    ["SQL injection", "x'; DROP TABLE accounts;--"],
    ["SQL tautology", "' OR '1'='1"],
    ["HTML injection", "<script>alert(1)</script>"],
    ["HTML attribute", '"><img src=x onerror=alert(1)>'],
    ["NUL byte", "ana\u0000"],
    ["newline", "ana\nbob"],
    ["leading underscore", "_ana"],
    ["digits only (guest ids)", "12345"],
  ])("refuses %s with M_INVALID_USERNAME", (_label, input) => {
    expect(refusalOf(() => validateNewUsername(input))).toEqual({
      reason: "invalid_username",
      field: "username",
    });
  });

  it.each([
    "xstream",
    "xstream_bot",
    "xstream-admin",
    "XStream.Fan",
    "admin",
    "Administrator",
    "moderator",
    "mod",
    "root",
    "system",
    "synapse",
    "support",
    "bot",
    "help",
    "matrix",
  ])("refuses reserved %j with M_EXCLUSIVE", (input) => {
    expect(refusalOf(() => validateNewUsername(input))).toEqual({
      reason: "reserved_username",
      field: "username",
    });
  });
});

describe("validateNewPassword", () => {
  it("accepts a long, uncommon password", () => {
    expect(refusalOf(() => validateNewPassword("river-otter-lantern-42", "ana"))).toBeUndefined();
  });

  it.each([
    ["empty", "", "ana"],
    ["too short", "short-pw1", "ana"],
    ["too long", "x".repeat(257), "ana"],
    ["equal to the username", "ana.garcia.1", "ana.garcia.1"],
    ["containing the username", "my-ANA.GARCIA-rocks", "ana.garcia"],
    ["common", "password123", "ana"],
    ["common, other case", "QwertyUiop", "ana"],
    ["common digits", "1234567890", "ana"],
  ])("refuses %s with M_WEAK_PASSWORD", (_label, password, username) => {
    expect(refusalOf(() => validateNewPassword(password, username))).toEqual({
      reason: "weak_password",
      field: "password",
    });
  });

  it("counts characters, not UTF-16 units, and names the given field", () => {
    expect(refusalOf(() => validateNewPassword("🙂".repeat(10), "ana"))).toBeUndefined();
    expect(refusalOf(() => validateNewPassword("🙂".repeat(9), "ana", "newPassword"))).toEqual({
      reason: "weak_password",
      field: "newPassword",
    });
  });

  it("ships a list of about 200 lower-case common passwords", () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(180);
    for (const password of COMMON_PASSWORDS) expect(password).toBe(password.toLowerCase());
  });
});

describe("validateDisplayName", () => {
  it("trims and keeps any script", () => {
    expect(validateDisplayName("  Ana García 🙂  ")).toBe("Ana García 🙂");
    expect(validateDisplayName("Анна")).toBe("Анна");
    expect(validateDisplayName("<b>Ana</b>")).toBe("<b>Ana</b>");
  });

  it("counts code points, so an emoji is one character as in the client's form", () => {
    const emoji = "🦊"; // two UTF-16 units
    expect(validateDisplayName(emoji.repeat(64))).toBe(emoji.repeat(64));
    expect(validateDisplayName(`  ${"n".repeat(63)}${emoji}  `)).toBe(`${"n".repeat(63)}${emoji}`);
    for (const tooLong of [emoji.repeat(65), `${"n".repeat(64)}${emoji}`]) {
      expect(refusalOf(() => validateDisplayName(tooLong))).toEqual({
        reason: "invalid_display_name",
        field: "displayName",
      });
    }
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "n".repeat(65)],
    ["newline", "Ana\nGarcía"],
    ["NUL", "Ana\u0000"],
    ["bidi override", "Ana\u202Egnp.exe"],
  ])("refuses %s", (_label, input) => {
    expect(refusalOf(() => validateDisplayName(input))).toEqual({
      reason: "invalid_display_name",
      field: "displayName",
    });
  });
});
