import express, { type Express } from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import type { DirectoryContext } from "../domain/directory.js";
import { createTestApp } from "../testing/authHarness.js";
import { directoryRouter } from "./directoryRouter.js";

/** What the routing of an Express 5 app exposes about one layer (router 2.x). */
interface RouterLayer {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/**
 * Every route the app's routers serve, as `METHOD /path/{param}`, found by walking the mounted
 * routers: a route added to a router shows up here whether or not anyone documents it.
 */
function mountedRoutes(app: Express): string[] {
  const join = (prefix: string, path: string) =>
    `${prefix}/${path}`.replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1");
  const walk = (stack: RouterLayer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route && typeof layer.route.path === "string") {
        const path = join(prefix, layer.route.path).replace(/:(\w+)/g, "{$1}");
        return Object.keys(layer.route.methods)
          .filter((method) => method !== "_all")
          .map((method) => `${method.toUpperCase()} ${path}`);
      }
      if (!layer.handle?.stack) return [];
      const mount = layer.slash || typeof layer.rawPath !== "string" ? "" : layer.rawPath;
      return walk(layer.handle.stack, join(prefix, mount));
    });
  const router = (app as unknown as { router: { stack: RouterLayer[] } }).router;
  return [...new Set(walk(router.stack, ""))];
}

describe("GET /api/docs", () => {
  it("serves an OpenAPI 3.1 document covering every /api route, with error responses", async () => {
    const { app, auth } = createTestApp();
    const res = await request(app).get("/api/docs");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith("/api/"))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => key !== "parameters")
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
    // The test app leaves out the partner directory (it needs a homeserver); its router is walked
    // on its own, mounted where app.ts mounts it. Building it registers routes and calls nothing.
    const withDirectory = express();
    withDirectory.use(
      "/api",
      directoryRouter({ auth, directory: { partners: [] } as unknown as DirectoryContext }),
    );
    const routes = [...mountedRoutes(app), ...mountedRoutes(withDirectory)].filter((route) =>
      route.split(" ")[1]?.startsWith("/api/"),
    );
    // The walk found the routers: a sample of each kind (nested router, mounted router, params).
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /api/auth/signup",
        "GET /api/docs",
        "DELETE /api/blocks/{user}",
        "GET /api/email/unsubscribe",
      ]),
    );
    expect(operations.sort()).toEqual(routes.sort());
    const signup = doc.paths["/api/auth/signup"].post;
    expect(signup.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/SignupRequest",
    });
    expect(Object.keys(signup.responses).sort()).toEqual([
      "201",
      "400",
      "403",
      "409",
      "413",
      "429",
    ]);
    expect(signup.responses["429"].headers["Retry-After"]).toBeDefined();
    expect(signup.responses["400"].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/Error",
    );
    expect(doc.paths["/api/auth/session"].get.responses["401"]).toBeDefined();
    expect(doc.paths["/_matrix/push/v1/notify"].post.requestBody.content).toBeDefined();
  });

  it("names every parameter a route reads, so a fuzzer can reach it", async () => {
    const { app } = createTestApp();
    const { paths } = (await request(app).get("/api/docs")).body;
    for (const [path, item] of Object.entries(paths as Record<string, { parameters: unknown[] }>)) {
      expect(item.parameters, path).toContainEqual(
        expect.objectContaining({ name: "X-Request-Id", in: "header", required: false }),
      );
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(item.parameters, path).toContainEqual(
          expect.objectContaining({ name, in: "path", required: true }),
        );
      }
    }
    // The login flows Synapse serves at the relayed path are documented too (GET answers 200).
    expect(Object.keys(paths["/_matrix/client/v3/login"]).sort()).toEqual([
      "get",
      "parameters",
      "post",
    ]);
    // Signing out without a session succeeds, so its cookie is optional.
    expect(paths["/api/auth/logout"].post.security).toEqual([{ refreshCookie: [] }, {}]);
  });

  it("builds its schemas from the zod request and response schemas", async () => {
    const { app } = createTestApp();
    const { schemas } = (await request(app).get("/api/docs")).body.components;
    expect(schemas.SignupRequest).toMatchObject({
      type: "object",
      required: ["username", "password", "displayName"],
      properties: {
        username: { type: "string", minLength: 3, maxLength: 32 },
        password: { type: "string", minLength: 10, maxLength: 256 },
      },
    });
    expect(schemas.UserResponse.properties.user).toEqual({ $ref: "#/components/schemas/User" });
    expect(schemas.User.properties.role).toEqual({
      type: "string",
      enum: ["user", "moderator", "admin"],
    });
    expect(schemas.MatrixTokenResponse.required.sort()).toEqual(["device_id", "token", "user_id"]);
    expect(schemas.Error.required.sort()).toEqual(["errcode", "error"]);
    expect(schemas.ProfileInput.required.sort()).toEqual(
      ["availability", "bio", "discoverable", "interests", "learning", "native", "timezone"].sort(),
    );
    expect(schemas.ProfileInput.properties.learning.items.properties.level.enum).toEqual([
      "A1",
      "A2",
      "B1",
      "B2",
      "C1",
      "C2",
    ]);
    // User ids are outlined, so a fuzzer's valid ones reach the domain's checks.
    expect(schemas.UserTarget.properties.user_id).toMatchObject({
      type: "string",
      pattern: "^@[^:]+:.+$",
      maxLength: 255,
    });
    for (const schema of Object.values(schemas)) expect(schema).not.toHaveProperty("$schema");
  });
});
