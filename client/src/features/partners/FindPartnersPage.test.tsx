import { render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import {
  ANA_PERSON,
  BOB,
  CARLA,
  partnerRequest,
  renderWithPartners,
  suggestion,
} from "../../test/fakePartners";
import { languageNames } from "../profile";
import { FindPartnersPage } from "./FindPartnersPage";
import { PartnerCard } from "./PartnerCard";

const SUGGESTIONS_PATH = "/api/partners/suggestions";

beforeEach(() => {
  window.history.replaceState(null, "", "/partners/find");
});

describe("PartnerCard", () => {
  it("shows who they are, their languages by name, why they match and the actions", () => {
    render(
      <PartnerCard
        displayName="Bob Silva"
        userId="@bob:example.org"
        native={["es"]}
        learning={[{ language: "pt-BR", level: "B1" }]}
        nameOf={languageNames({ es: "Spanish", "pt-BR": "Brazilian Portuguese" })}
        online
        reasons={["native Spanish, learning Brazilian Portuguese B1", "both like hiking"]}
        bio="<b>Hola</b>"
        actions={<button type="button">Connect</button>}
      />,
    );

    const card = screen.getByRole("article", { name: "Bob Silva" });
    expect(within(card).getByText("@bob:example.org")).toBeInTheDocument();
    expect(within(card).getByText("Online now")).toBeInTheDocument();
    expect(within(card).getByText("Spanish")).toBeInTheDocument();
    expect(within(card).getByText("Brazilian Portuguese (B1)")).toBeInTheDocument();
    const reasons = within(card).getByRole("list", { name: "Why you match" });
    expect(
      within(reasons)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["native Spanish, learning Brazilian Portuguese B1", "both like hiking"]);
    // Bios are text, never markup.
    expect(within(card).getByText("<b>Hola</b>")).toBeInTheDocument();
    expect(within(card).getByRole("button", { name: "Connect" })).toBeInTheDocument();
  });
});

describe("FindPartnersPage", () => {
  it("lists the suggestions and connects: the button becomes a disabled Request sent", async () => {
    const bridge = new FakeBridge()
      .on("GET", SUGGESTIONS_PATH, () =>
        json(200, { suggestions: [suggestion({ online: true }), suggestion({ ...CARLA })] }),
      )
      .on("POST", "/api/partners/requests", () =>
        json(201, {
          request: partnerRequest({ id: "req-9", requester: ANA_PERSON, recipient: BOB }),
        }),
      );
    const { user, requests } = renderWithPartners(<FindPartnersPage />, bridge);

    expect(screen.getByRole("heading", { level: 1, name: "Find partners" })).toBeInTheDocument();
    const bob = await screen.findByRole("article", { name: "Bob Silva" });
    expect(within(bob).getByText("Online now")).toBeInTheDocument();
    expect(within(bob).getByText("2 h overlap a week")).toBeInTheDocument();
    const carla = screen.getByRole("article", { name: "Carla Ruiz" });
    expect(within(carla).queryByText("Online now")).not.toBeInTheDocument();
    expect(bridge.requests[0]?.url).toBe("/api/partners/suggestions?limit=20");

    await user.click(within(bob).getByRole("button", { name: "Connect" }));

    expect(await within(bob).findByRole("button", { name: "Request sent" })).toBeDisabled();
    expect(within(carla).getByRole("button", { name: "Connect" })).toBeEnabled();
    expect(bridge.calls("POST", "/api/partners/requests")[0]?.body).toEqual({
      user_id: "@bob:example.org",
    });
    // The Requests page and its badge know about it without asking the server again.
    expect(requests.getSnapshot().outgoing.map((request) => request.id)).toEqual(["req-9"]);
  });

  it("says why a request could not be sent, on the card, and lets the person try again", async () => {
    const bridge = new FakeBridge()
      .on("GET", SUGGESTIONS_PATH, () => json(200, { suggestions: [suggestion()] }))
      .on("POST", "/api/partners/requests", () =>
        json(409, {
          errcode: "M_UNKNOWN",
          error: "Bob Silva has too many pending requests right now.",
        }),
      );
    const { user } = renderWithPartners(<FindPartnersPage />, bridge);

    const bob = await screen.findByRole("article", { name: "Bob Silva" });
    await user.click(within(bob).getByRole("button", { name: "Connect" }));

    expect(await within(bob).findByRole("alert")).toHaveTextContent(
      "Bob Silva has too many pending requests right now.",
    );
    expect(within(bob).getByRole("button", { name: "Connect" })).toBeEnabled();
  });

  it("says when no one matches yet and links to the profile", async () => {
    const bridge = new FakeBridge().on("GET", SUGGESTIONS_PATH, () =>
      json(200, { suggestions: [] }),
    );
    renderWithPartners(<FindPartnersPage />, bridge);

    expect(await screen.findByText("No partners match yet…")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Edit your profile" })).toHaveAttribute(
      "href",
      "/profile",
    );
  });

  it("sends an incomplete profile back to onboarding with the bridge's explanation", async () => {
    const bridge = new FakeBridge().on("GET", SUGGESTIONS_PATH, () =>
      json(400, {
        errcode: "M_INVALID_PARAM",
        error: "Add a native language and a language you learn first.",
      }),
    );
    renderWithPartners(<FindPartnersPage />, bridge);

    expect(
      await screen.findByText("Add a native language and a language you learn first."),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Complete your profile" })).toHaveAttribute(
      "href",
      "/welcome",
    );
  });

  it("goes to onboarding when there is no profile at all", async () => {
    const bridge = new FakeBridge().on("GET", SUGGESTIONS_PATH, () =>
      json(404, { errcode: "M_NOT_FOUND", error: "No profile" }),
    );
    renderWithPartners(<FindPartnersPage />, bridge);

    await waitFor(() => expect(window.location.pathname).toBe("/welcome"));
  });
});
