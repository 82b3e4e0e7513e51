import { describe, expect, it } from "vitest";
import { isMatrixUserId } from "./userIds";

describe("isMatrixUserId", () => {
  it("recognises Matrix user IDs", () => {
    for (const id of ["@bob:example.org", "@b.o_b=1:localhost:8008", "@x:[::1]:8448"]) {
      expect(isMatrixUserId(id)).toBe(true);
    }
    for (const id of ["bob", "@bob", "@:example.org", "@bob:", "#room:example.org", "@a b:x.org"]) {
      expect(isMatrixUserId(id)).toBe(false);
    }
  });
});
