import { describe, expect, it } from "vitest";
import { ApiError, networkError } from "../api/ApiError";
import { describeError, UNEXPECTED_ERROR } from "./describeError";

describe("describeError", () => {
  it("words the bridge's known codes itself and sentence-cases the rest", () => {
    const taken = new ApiError({ status: 409, errcode: "M_USER_IN_USE", message: "user exists" });
    const other = new ApiError({ status: 400, errcode: "M_BAD_JSON", message: "unexpected field" });

    expect(describeError(taken)).toBe("That username is taken. Try another one.");
    expect(describeError(other)).toBe("Unexpected field");
  });

  it("says how long to wait and when the bridge cannot be reached", () => {
    const limited = new ApiError({
      status: 429,
      errcode: "M_LIMIT_EXCEEDED",
      message: "x",
      retryAfterMs: 5_000,
    });

    expect(describeError(limited)).toBe("Too many attempts. Try again in 5 seconds.");
    expect(describeError(networkError(new TypeError()))).toMatch(/Can't reach Xstream/);
  });

  it("passes on a homeserver's message and words a refused large file", () => {
    const forbidden = Object.assign(new Error("You are not invited to this room."), {
      errcode: "M_FORBIDDEN",
    });
    const tooLarge = Object.assign(new Error("Upload request body is too large"), {
      errcode: "M_TOO_LARGE",
    });

    expect(describeError(forbidden)).toBe("You are not invited to this room.");
    expect(describeError(tooLarge)).toBe("The server says the file is too large.");
  });

  it("says something readable for anything else", () => {
    expect(describeError("offline")).toBe("offline");
    expect(describeError(undefined)).toBe("undefined");
    expect(describeError(new Error("boom"), { unexpected: UNEXPECTED_ERROR })).toBe(
      UNEXPECTED_ERROR,
    );
  });
});
