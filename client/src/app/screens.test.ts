import { describe, expect, it } from "vitest";
import { ANA } from "../test/fakeBridge";
import { isPrivatePath, resolveScreen, restoredScreen } from "./screens";

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

  it("sends a new account from sign-up to onboarding", () => {
    const newAccount = { ...signedIn, newAccount: true };
    expect(resolveScreen(newAccount, "/signup", null)).toEqual({
      screen: "welcome",
      redirect: "/welcome",
    });
    expect(resolveScreen(newAccount, "/partners/find", null)).toEqual({
      screen: "findPartners",
      redirect: null,
    });
  });

  it("knows the partner pages, chats and rooms, all of them private", () => {
    const screens = [
      "/welcome",
      "/profile",
      "/partners/find",
      "/partners/requests",
      "/partners",
      "/chats",
    ];
    expect(screens.map((path) => resolveScreen(signedIn, path, null).screen)).toEqual([
      "welcome",
      "profile",
      "findPartners",
      "requests",
      "partners",
      "chats",
    ]);
    expect(resolveScreen(signedIn, "/rooms/!abc%3Aexample.org", null)).toEqual({
      screen: "room",
      redirect: null,
    });
    expect(resolveScreen(signedIn, "/rooms/", null).redirect).toBe("/");
    for (const path of [...screens, "/rooms/!abc%3Aexample.org"]) {
      expect(isPrivatePath(path)).toBe(true);
      expect(resolveScreen(signedOut, path, null).redirect).toBe("/signin");
    }
    expect(isPrivatePath("/signin")).toBe(false);
  });
});

describe("restoredScreen", () => {
  it("draws only the Chats page from the cache before the session check answers", () => {
    expect(restoredScreen("/chats")).toBe("chats");
    for (const path of ["/", "/settings", "/rooms/!a%3Ab", "/signin", "/chats/", "/CHATS"]) {
      expect([path, restoredScreen(path)]).toEqual([path, null]);
    }
  });
});
