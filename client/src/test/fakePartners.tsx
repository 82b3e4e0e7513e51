import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { ApiClient } from "../api/ApiClient";
import { createPartnersApi } from "../api/partnersApi";
import type {
  Language,
  Partner,
  PartnerRequest,
  Profile,
  Report,
  Suggestion,
} from "../api/partnerTypes";
import { PartnersApiProvider } from "../api/usePartnersApi";
import { PartnerRequestsStore } from "../features/partners/PartnerRequestsStore";
import { PartnerRequestsProvider } from "../features/partners/usePartnerRequests";
import type { FakeBridge } from "./fakeBridge";

/** Fixtures in the shapes of the bridge's profile and partner endpoints (issue 4 contract). */

export const LANGUAGES: Language[] = [
  { code: "de", name: "German" },
  { code: "en", name: "English" },
  { code: "es", name: "Spanish" },
  { code: "fr", name: "French" },
  { code: "pt", name: "Portuguese" },
  { code: "pt-BR", name: "Brazilian Portuguese" },
];

export const BOB = { user_id: "@bob:example.org", display_name: "Bob Silva" };
export const CARLA = { user_id: "@carla:example.org", display_name: "Carla Ruiz" };
export const ANA_PERSON = { user_id: "@ana:example.org", display_name: "Ana Lima" };

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    user_id: ANA_PERSON.user_id,
    display_name: ANA_PERSON.display_name,
    native: ["pt-BR"],
    learning: [{ language: "es", level: "B1" }],
    interests: ["hiking"],
    timezone: "Europe/Lisbon",
    availability: [{ day: 0, start: "18:00", end: "20:00" }],
    bio: "Olá!",
    discoverable: true,
    languages: { "pt-BR": "Brazilian Portuguese", es: "Spanish" },
    updated_at: "2026-01-05T10:00:00.000Z",
    ...overrides,
  };
}

export function suggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  const reasons = ["native Spanish, learning Brazilian Portuguese B1", "2 h overlap a week"];
  return {
    ...BOB,
    score: 0.82,
    summary: reasons.join(" · "),
    reasons,
    online: false,
    teaches: "es",
    learns: "pt-BR",
    learns_level: "B1",
    overlap_minutes_per_week: 120,
    shared_interests: ["hiking"],
    profile: profile({
      ...BOB,
      native: ["es"],
      learning: [{ language: "pt-BR", level: "B1" }],
      bio: "Hola, I like hiking.",
    }),
    organisation: null,
    ...overrides,
  };
}

export function partnerRequest(overrides: Partial<PartnerRequest> = {}): PartnerRequest {
  return {
    id: "req-1",
    requester: BOB,
    recipient: ANA_PERSON,
    status: "pending",
    created_at: "2025-01-06T18:00:00.000Z",
    decided_at: null,
    ...overrides,
  };
}

export function partner(overrides: Partial<Partner> = {}): Partner {
  return {
    ...BOB,
    room_id: "!room1:example.org",
    since: "2025-01-06T18:00:00.000Z",
    native: ["es"],
    learning: [{ language: "pt-BR", level: "B1" }],
    ...overrides,
  };
}

/**
 * Renders a feature page with the partner API and the requests store wired to a fake bridge,
 * as the app does for signed-in pages.
 */
export function report(overrides: Partial<Report> = {}): Report {
  return {
    id: "3f0c6a52-8f5e-4b8e-9a55-0b8f6f7d2a11",
    reporter: ANA_PERSON.user_id,
    reported: BOB.user_id,
    reason: "Rude messages",
    event_ids: [],
    room_id: null,
    created_at: "2026-01-05T10:00:00.000Z",
    ...overrides,
  };
}

export function renderWithPartners(ui: ReactElement, bridge: FakeBridge) {
  const api = createPartnersApi(new ApiClient({ fetch: bridge.fetch, locks: null }));
  const requests = new PartnerRequestsStore(api);
  const user = userEvent.setup();
  const result = render(
    <PartnersApiProvider api={api}>
      <PartnerRequestsProvider store={requests}>{ui}</PartnerRequestsProvider>
    </PartnersApiProvider>,
  );
  return { ...result, api, requests, user };
}
