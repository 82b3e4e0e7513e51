import request from "supertest";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../testing/authHarness.js";

describe("GET /api/docs", () => {
  it("serves an OpenAPI 3.1 document covering every /api route, with error responses", async () => {
    const { app } = createTestApp();
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
    expect(operations.sort()).toEqual(
      [
        "POST /api/auth/signup",
        "POST /api/auth/login",
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
        "GET /api/auth/session",
        "POST /api/auth/password",
        "POST /api/auth/matrix-token",
        "GET /api/docs",
        "GET /api/languages",
        "GET /api/profile",
        "PUT /api/profile",
        "GET /api/profile/partner-organisations",
        "PUT /api/profile/partner-organisations",
        "GET /api/partners/suggestions",
        "GET /api/partners/requests",
        "POST /api/partners/requests",
        "POST /api/partners/requests/{id}/accept",
        "POST /api/partners/requests/{id}/decline",
        "GET /api/partners",
        "GET /api/blocks",
        "POST /api/blocks",
        "DELETE /api/blocks/{user}",
        "GET /api/reports",
        "POST /api/reports",
        "GET /api/push/vapid-key",
        "POST /api/push/subscriptions",
        "DELETE /api/push/subscriptions/{pushkey}",
        "GET /api/email/settings",
        "PUT /api/email/settings",
        "GET /api/email/unsubscribe",
        "POST /api/email/unsubscribe",
      ].sort(),
    );
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
