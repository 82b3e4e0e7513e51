import { describe, expect, it } from "vitest";
import { routeFor } from "./edge.ts";

describe("routeFor", () => {
  it.each([
    ["/_matrix/client/versions", "synapse"],
    ["/_matrix/client/v3/login/sso/redirect", "synapse"],
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
  ])("sends GET %s to %s", (path, route) => {
    expect(routeFor("GET", path)).toBe(route);
  });

  it.each([
    ["POST", "/_matrix/client/v3/login", "bridge"],
    ["POST", "/_matrix/client/r0/login", "bridge"],
    ["GET", "/_matrix/client/v3/login", "synapse"],
    ["POST", "/_matrix/client/v3/logout", "synapse"],
  ])("sends %s %s to %s", (method, path, route) => {
    expect(routeFor(method, path)).toBe(route);
  });
});
