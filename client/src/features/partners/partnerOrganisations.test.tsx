import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import { renderWithPartners, suggestion } from "../../test/fakePartners";
import { FindPartnersPage } from "./FindPartnersPage";

describe("suggestions from partner organisations", () => {
  it("name the organisation on the card", async () => {
    const bridge = FakeBridge.signedIn().on("GET", "/api/partners/suggestions", () =>
      json(200, {
        suggestions: [
          suggestion({
            organisation: "Escuela Madrid",
            reasons: ["native Spanish, learning Brazilian Portuguese B1", "from Escuela Madrid"],
          }),
        ],
      }),
    );
    renderWithPartners(<FindPartnersPage />, bridge);
    expect(await screen.findByText("From Escuela Madrid")).toBeInTheDocument();
  });
});
