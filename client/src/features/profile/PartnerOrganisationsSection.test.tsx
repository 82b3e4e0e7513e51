import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import { renderWithPartners } from "../../test/fakePartners";
import { PartnerOrganisationsSection } from "./PartnerOrganisationsSection";

const PATH = "/api/profile/partner-organisations";
const LABEL = "Also show me to learners of partner organisations";

describe("PartnerOrganisationsSection", () => {
  it("is off by default, names the partners and what they would see, and saves turning it on", async () => {
    const bridge = new FakeBridge()
      .on("GET", PATH, () =>
        json(200, { visible: false, partner_organisations: ["madrid.example"] }),
      )
      .on("PUT", PATH, () =>
        json(200, { visible: true, partner_organisations: ["madrid.example"] }),
      );
    const { user } = renderWithPartners(<PartnerOrganisationsSection />, bridge);
    const checkbox = await screen.findByRole("checkbox", { name: LABEL });
    expect(checkbox).not.toBeChecked();
    expect(screen.getByText(/madrid\.example/)).toBeInTheDocument();
    expect(screen.getByText(/not your bio/)).toBeInTheDocument();

    await user.click(checkbox);

    expect(bridge.calls("PUT", PATH).map((call) => call.body)).toEqual([{ visible: true }]);
    expect(checkbox).toBeChecked();
  });

  it("takes the change back and says why when saving fails", async () => {
    const bridge = new FakeBridge()
      .on("GET", PATH, () => json(200, { visible: true, partner_organisations: [] }))
      .on("PUT", PATH, () => json(500, { errcode: "M_UNKNOWN", error: "Database unavailable" }));
    const { user } = renderWithPartners(<PartnerOrganisationsSection />, bridge);
    const checkbox = await screen.findByRole("checkbox", { name: LABEL });

    await user.click(checkbox);

    expect(await screen.findByRole("alert")).toHaveTextContent(/Couldn't save the setting/);
    expect(checkbox).toBeChecked();
  });
});
