import { describe, expect, it } from "vitest";
import { isLoginPath, routeFor } from "./edge.ts";

describe("routeFor", () => {
  it.each([
    ["/_matrix/client/versions", "synapse"],
    ["/_matrix/client/v3/rooms/!r:x/tags/login", "synapse"],
    ["/_matrix/client/v3/profile/@login:x", "synapse"],
    ["/_synapse/client/pick_idp", "synapse"],
    ["/.well-known/matrix/client", "synapse"],
    ["/_synapse/admin/v1/register", "hidden"],
    ["/metrics", "hidden"],
    ["/metrics/", "hidden"],
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

  it.each([
    "/_matrix/client/v3/login",
    "/_matrix/client/r0/login",
    "/_matrix/client/unstable/login",
    "/_matrix/client/api/v1/login",
    "/_matrix/client/v4/login",
    "/_matrix/client/v3/LOGIN",
    "/_matrix/client/v3/%6Cogin",
    "/_matrix/client//v3//login",
    "/_matrix/client/v3/login/",
    "/_matrix/client/v3/login/sso/redirect",
    "/_matrix/client/v1/login/get_token",
    "/_matrix/client/unstable/org.matrix.msc3882/login/token",
    "/_MATRIX/Client/v3/login",
  ])("sends every method on the login path %s to the bridge", (path) => {
    expect(isLoginPath(path)).toBe(true);
    expect(routeFor(path)).toBe("bridge");
  });

  it.each([
    "/_matrix/client/v3/logout",
    "/_matrix/client/v3/loginx",
    "/_matrix/client/v3/rooms/!r:x/state/login/login",
    "/_matrix/federation/v1/login",
  ])("leaves %s alone", (path) => {
    expect(isLoginPath(path)).toBe(false);
  });
});
