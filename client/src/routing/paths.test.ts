import { describe, expect, it } from "vitest";
import { eventIdFromPath, roomIdFromPath, roomPath } from "./paths";

describe("room paths", () => {
  it("round-trips Matrix room ids through the address bar", () => {
    const path = roomPath("!abc/def:example.org");
    expect(path).toBe("/rooms/!abc%2Fdef%3Aexample.org");
    expect(roomIdFromPath(path)).toBe("!abc/def:example.org");
    expect(roomIdFromPath("/rooms/!abc:example.org")).toBe("!abc:example.org");
  });

  it("is null for other paths and broken encodings", () => {
    expect(roomIdFromPath("/rooms/")).toBeNull();
    expect(roomIdFromPath("/rooms/a/b")).toBeNull();
    expect(roomIdFromPath("/rooms/a/events/%E0%A4%A")).toBeNull();
    expect(roomIdFromPath("/rooms/%E0%A4%A")).toBeNull();
    expect(roomIdFromPath("/partners")).toBeNull();
  });

  it("carries one message of a room, to open the room there", () => {
    const path = roomPath("!abc:example.org", "$ev/1:example.org");
    expect(path).toBe("/rooms/!abc%3Aexample.org/events/%24ev%2F1%3Aexample.org");
    expect(roomIdFromPath(path)).toBe("!abc:example.org");
    expect(eventIdFromPath(path)).toBe("$ev/1:example.org");
    expect(eventIdFromPath(roomPath("!abc:example.org"))).toBeNull();
  });
});
