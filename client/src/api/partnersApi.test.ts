import { describe, expect, it } from "vitest";
import { FakeBridge, json } from "../test/fakeBridge";
import {
  LANGUAGES,
  partner,
  partnerRequest,
  profile,
  report,
  suggestion,
} from "../test/fakePartners";
import { ApiClient } from "./ApiClient";
import { ApiError } from "./ApiError";
import { createPartnersApi } from "./partnersApi";

function setUp(bridge: FakeBridge) {
  return createPartnersApi(new ApiClient({ fetch: bridge.fetch, locks: null }));
}

describe("partnersApi", () => {
  it("reads languages, the profile, suggestions, requests and partners", async () => {
    const bridge = new FakeBridge()
      .on("GET", "/api/languages", () => json(200, { languages: LANGUAGES }))
      .on("GET", "/api/profile", () => json(200, { profile: null }))
      .on("GET", "/api/partners/suggestions", () => json(200, { suggestions: [suggestion()] }))
      .on("GET", "/api/partners/requests", () =>
        json(200, { incoming: [partnerRequest()], outgoing: [] }),
      )
      .on("GET", "/api/partners", () => json(200, { partners: [partner()] }))
      .on("GET", "/api/blocks", () => json(200, { blocks: [] }))
      .on("GET", "/api/reports", () => json(200, { reports: [] }));
    const api = setUp(bridge);

    expect(await api.languages()).toEqual(LANGUAGES);
    expect(await api.profile()).toBeNull();
    expect(await api.suggestions(5)).toHaveLength(1);
    expect((await api.requests()).incoming).toHaveLength(1);
    expect(await api.partners()).toEqual([partner()]);
    expect(await api.blocks()).toEqual([]);
    expect(await api.reports()).toEqual([]);
    expect(bridge.requests.map((request) => request.url)).toContain(
      "/api/partners/suggestions?limit=5",
    );
  });

  it("writes with the contract's bodies and escapes ids in paths", async () => {
    const bridge = new FakeBridge()
      .on("PUT", "/api/profile", () => json(200, { profile: profile() }))
      .on("POST", "/api/partners/requests", () => json(201, { request: partnerRequest() }))
      .on("POST", "/api/partners/requests/req%2F1/accept", () => json(200, { partner: partner() }))
      .on("POST", "/api/partners/requests/req-1/decline", () =>
        json(200, { request: partnerRequest({ status: "declined" }) }),
      )
      .on("POST", "/api/blocks", () => json(200, {}))
      .on("DELETE", "/api/blocks/%40bob%3Aexample.org", () => json(200, {}))
      .on("POST", "/api/reports", () => json(201, { report: report({ id: "rep-1" }) }));
    const api = setUp(bridge);
    const { user_id, display_name, languages, ...input } = profile();

    expect(await api.saveProfile(input)).toEqual(profile());
    await api.requestPartner("@bob:example.org");
    expect(await api.acceptRequest("req/1")).toEqual(partner());
    expect((await api.declineRequest("req-1")).status).toBe("declined");
    await api.block("@bob:example.org");
    await api.unblock("@bob:example.org");
    expect(
      await api.report({ user_id: "@bob:example.org", reason: "Spam", event_ids: ["$e1"] }),
    ).toEqual(report({ id: "rep-1" }));

    expect(bridge.requests.map((request) => [request.method, request.body])).toEqual([
      ["PUT", input],
      ["POST", { user_id: "@bob:example.org" }],
      ["POST", {}],
      ["POST", {}],
      ["POST", { user_id: "@bob:example.org" }],
      ["DELETE", {}],
      ["POST", { user_id: "@bob:example.org", reason: "Spam", event_ids: ["$e1"] }],
    ]);
  });

  it("rejects with the field the bridge blames", async () => {
    const bridge = new FakeBridge().on("PUT", "/api/profile", () =>
      json(400, {
        errcode: "M_INVALID_PARAM",
        error: '"Z9" is not a CEFR level.',
        field: "learning[0].level",
      }),
    );

    const refused = setUp(bridge).saveProfile(profile());

    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      errcode: "M_INVALID_PARAM",
      field: "learning[0].level",
    });
  });
});
