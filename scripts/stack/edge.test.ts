import { describe, expect, it } from "vitest";
import { routeFor } from "./edge.ts";

describe("routeFor", () => {
  it.each([
    ["/_matrix/client/versions", "synapse"],
    ["/_synapse/client/pick_idp", "synapse"],
    ["/.well-known/matrix/client", "synapse"],
    ["/_synapse/admin/v1/register", "hidden"],
    ["/api/auth/login", "bridge"],
    ["/get_token", "bridge"],
    ["/sfu/get", "bridge"],
    ["/healthz", "bridge"],
    ["/", undefined],
    ["/rooms/abc", undefined],
    ["/assets/index-abc.js", undefined],
    ["/apiary", undefined],
  ])("sends %s to %s", (path, route) => {
    expect(routeFor(path)).toBe(route);
  });
});
