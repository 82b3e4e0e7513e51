// A learner's profile for unit tests: a Spanish speaker learning English in Madrid, discoverable,
// with whatever a test cares about given as overrides.
import { emptyProfileInput, type Profile, type ProfileInput } from "../domain/profiles.js";

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

/** What a discoverable Spanish speaker learning English saves (the bot's and the API's input). */
export const SPANISH_SPEAKER_INPUT: ProfileInput = {
  ...emptyProfileInput(),
  native: ["es"],
  learning: [{ language: "en", level: "B1" }],
  discoverable: true,
};

/** Their mirror: a discoverable English speaker learning Spanish. */
export const ENGLISH_SPEAKER_INPUT: ProfileInput = {
  ...emptyProfileInput(),
  native: ["en"],
  learning: [{ language: "es", level: "A2" }],
  discoverable: true,
};
