import { afterEach, describe, expect, it } from "vitest";
import { ANA } from "../test/fakeBridge";
import { storageRememberedUser } from "./rememberedUser";

const KEY = "xstream:signed-in-user";

afterEach(() => localStorage.clear());

describe("the remembered user", () => {
  it("keeps only the public profile, and forgets it", () => {
    const remembered = storageRememberedUser();
    remembered.set({ ...ANA, token: "not for storage" } as typeof ANA);
    expect(remembered.get()).toEqual(ANA);
    expect(JSON.parse(localStorage.getItem(KEY) ?? "null")).toEqual(ANA);

    remembered.clear();
    expect(remembered.get()).toBeNull();
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it.each([
    ["not JSON", "{"],
    ["not an object", '"ana"'],
    ["an unknown role", JSON.stringify({ ...ANA, role: "root" })],
    ["a missing Matrix ID", JSON.stringify({ ...ANA, matrixUserId: undefined })],
    ["a number for a name", JSON.stringify({ ...ANA, displayName: 7 })],
    ["a prototype trick", '{"__proto__": {"username": "ana"}}'],
  ])("ignores storage holding %s", (_, text) => {
    localStorage.setItem(KEY, text);
    expect(storageRememberedUser().get()).toBeNull();
  });

  it("remembers nothing, and throws nothing, where storage is refused", () => {
    const refusing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    } as unknown as Storage;
    const remembered = storageRememberedUser(() => refusing);
    expect(() => remembered.set(ANA)).not.toThrow();
    expect(remembered.get()).toBeNull();
    expect(() => remembered.clear()).not.toThrow();
  });

  it("reads a huge stored value quickly and refuses it when it is not a user", () => {
    localStorage.setItem(KEY, JSON.stringify({ ...ANA, role: "x".repeat(1_000_000) }));
    const started = performance.now();
    expect(storageRememberedUser().get()).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
