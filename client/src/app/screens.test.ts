import { describe, expect, it } from "vitest";
import { ANA } from "../test/fakeBridge";
import { resolveScreen } from "./screens";

const signedIn = { status: "signedIn", user: ANA } as const;
const signedOut = { status: "signedOut", reason: null } as const;

describe("resolveScreen", () => {
  it("waits while the session loads", () => {
    expect(resolveScreen({ status: "loading" }, "/settings", null)).toEqual({
      screen: "loading",
      redirect: null,
    });
  });

  it("sends signed-out visitors to /signin unless they are signing up", () => {
    expect(resolveScreen(signedOut, "/", null)).toEqual({ screen: "signIn", redirect: "/signin" });
    expect(resolveScreen(signedOut, "/settings", null)).toEqual({
      screen: "signIn",
      redirect: "/signin",
    });
    expect(resolveScreen(signedOut, "/signup", null)).toEqual({ screen: "signUp", redirect: null });
  });

  it("sends signed-in people away from the sign-in pages, back to where they were headed", () => {
    expect(resolveScreen(signedIn, "/signin", null)).toEqual({ screen: "home", redirect: "/" });
    expect(resolveScreen(signedIn, "/signup", "/settings")).toEqual({
      screen: "settings",
      redirect: "/settings",
    });
    expect(resolveScreen(signedIn, "/nowhere", null)).toEqual({ screen: "home", redirect: "/" });
    expect(resolveScreen(signedIn, "/settings", null)).toEqual({
      screen: "settings",
      redirect: null,
    });
  });
});
