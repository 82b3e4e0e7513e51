import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import { LANGUAGES, profile, renderWithPartners } from "../../test/fakePartners";
import { OnboardingPage } from "./OnboardingPage";
import { ProfilePage } from "./ProfilePage";

function bridgeWith(saved: ReturnType<typeof profile> | null) {
  return new FakeBridge()
    .on("GET", "/api/languages", () => json(200, { languages: LANGUAGES }))
    .on("GET", "/api/profile", () => json(200, { profile: saved }))
    .on("PUT", "/api/profile", (request) =>
      json(200, { profile: { ...profile(), ...(request.body as object) } }),
    );
}

beforeEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("OnboardingPage", () => {
  it("saves a new profile, then goes on to find partners", async () => {
    window.history.replaceState(null, "", "/welcome");
    const bridge = bridgeWith(null);
    const { user } = renderWithPartners(<OnboardingPage />, bridge);

    expect(screen.getByRole("heading", { level: 1, name: "Set up your profile" })).toBeVisible();
    await user.type(
      await screen.findByRole("combobox", { name: "Native languages" }),
      "english{Enter}",
    );
    await user.type(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
      "spanish{Enter}",
    );
    await user.selectOptions(screen.getByLabelText("Level"), "B2");
    await user.click(screen.getByRole("button", { name: "Save and find partners" }));

    await waitFor(() => expect(window.location.pathname).toBe("/partners/find"));
    expect(bridge.calls("PUT", "/api/profile")[0]?.body).toMatchObject({
      native: ["en"],
      learning: [{ language: "es", level: "B2" }],
      discoverable: true,
    });
  });

  it("offers to try again when the profile cannot be loaded", async () => {
    const bridge = bridgeWith(null).on(
      "GET",
      "/api/profile",
      () => new Response("Bad gateway", { status: 502 }),
      () => json(200, { profile: null }),
    );
    const { user } = renderWithPartners(<OnboardingPage />, bridge);

    expect(await screen.findByRole("alert")).toHaveTextContent(/HTTP 502/);
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByRole("combobox", { name: "Native languages" })).toBeVisible();
  });
});

describe("ProfilePage", () => {
  it("edits the saved profile and says it is saved", async () => {
    window.history.replaceState(null, "", "/profile");
    const bridge = bridgeWith(profile());
    const { user } = renderWithPartners(<ProfilePage />, bridge);

    const bio = await screen.findByLabelText("Bio");
    await user.clear(bio);
    await user.type(bio, "New bio");
    await user.click(screen.getByRole("button", { name: "Save profile" }));

    expect(await screen.findByText("Your profile has been saved.")).toBeVisible();
    expect(bridge.calls("PUT", "/api/profile")[0]?.body).toMatchObject({
      native: ["pt-BR"],
      bio: "New bio",
    });
    expect(window.location.pathname).toBe("/profile");
  });

  it("sends someone without a profile to onboarding", async () => {
    window.history.replaceState(null, "", "/profile");
    renderWithPartners(<ProfilePage />, bridgeWith(null));

    await waitFor(() => expect(window.location.pathname).toBe("/welcome"));
  });
});
