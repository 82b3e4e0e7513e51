import { describe, expect, it } from "vitest";
import { ApiError, networkError } from "../../api/ApiError";
import { placeServerError } from "./serverErrors";

const FIELDS = ["username", "password", "displayName"] as const;

describe("placeServerError", () => {
  it("puts an error on the field it names", () => {
    const error = new ApiError({
      status: 400,
      errcode: "M_WEAK_PASSWORD",
      message: "this password is too common",
      field: "password",
    });

    expect(placeServerError(error, FIELDS)).toEqual({
      formError: null,
      fieldErrors: { password: "This password is too common" },
    });
  });

  it("words known codes itself", () => {
    const taken = new ApiError({
      status: 409,
      errcode: "M_USER_IN_USE",
      message: "user exists",
      field: "username",
    });

    expect(placeServerError(taken, FIELDS).fieldErrors.username).toBe(
      "That username is taken. Try another one.",
    );
  });

  it("sends errors for fields the form does not have to the alert", () => {
    const error = new ApiError({
      status: 400,
      errcode: "M_BAD_JSON",
      message: "unexpected field",
      field: "role",
    });

    expect(placeServerError(error, FIELDS)).toEqual({
      formError: "Unexpected field",
      fieldErrors: {},
    });
  });

  it("says how long to wait after too many attempts", () => {
    const limited = (retryAfterMs: number) =>
      new ApiError({ status: 429, errcode: "M_LIMIT_EXCEEDED", message: "x", retryAfterMs });

    expect(placeServerError(limited(1_000), FIELDS).formError).toBe(
      "Too many attempts. Try again in 1 second.",
    );
    expect(placeServerError(limited(90_000), FIELDS).formError).toBe(
      "Too many attempts. Try again in 2 minutes.",
    );
  });

  it("explains a network failure and anything unexpected", () => {
    expect(placeServerError(networkError(new TypeError()), FIELDS).formError).toMatch(
      /Can't reach Xstream/,
    );
    expect(placeServerError(new Error("boom"), FIELDS).formError).toBe(
      "Something went wrong. Please try again.",
    );
  });
});
