import request from "supertest";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../testing/authHarness.js";

describe("a known path asked with another method", () => {
  it("is 405 M_UNRECOGNIZED with an Allow header naming the documented methods", async () => {
    const { app } = createTestApp();
    const profile = await request(app)
      .delete("/api/profile")
      .set("Origin", "http://localhost:8080");
    expect(profile.status).toBe(405);
    expect(profile.body).toEqual({
      errcode: "M_UNRECOGNIZED",
      error: "Unrecognized request: use GET, HEAD, PUT.",
    });
    expect(profile.headers.allow).toBe("GET, HEAD, PUT");

    const traced = await request(app).get("/api/partners/requests/some-id/accept");
    expect(traced.status).toBe(405);
    expect(traced.headers.allow).toBe("POST");
    const blocks = await request(app)
      .put("/api/blocks/%40ana%3Aexample.org")
      .set("Origin", "http://localhost:8080");
    expect(blocks.status).toBe(405);
    expect(blocks.headers.allow).toBe("DELETE");
  });

  it("leaves unknown paths, and path parameters spanning segments, to the 404", async () => {
    const { app } = createTestApp();
    for (const path of ["/api/nothing", "/api/blocks/a/b", "/api/profile/x"]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.errcode).toBe("M_UNRECOGNIZED");
      expect(res.headers.allow).toBeUndefined();
    }
  });
});
