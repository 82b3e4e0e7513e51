import { describe, expect, it } from "vitest";
import { validateSignIn } from "./credentials";

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
