// A learner's profile for unit tests: a Spanish speaker learning English in Madrid, discoverable,
// with whatever a test cares about given as overrides.
import type { Profile } from "../domain/profiles.js";

export function testProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    userId: "@ana:hs",
    displayName: "Ana",
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: [],
    timezone: "Europe/Madrid",
    availability: [],
    bio: "",
    discoverable: true,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}
