import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import {
  ANA_PERSON,
  BOB,
  CARLA,
  partner,
  partnerRequest,
  renderWithPartners,
} from "../../test/fakePartners";
import { statusSays } from "../../test/status";
import { RequestsPage } from "./RequestsPage";

const FROM_BOB = partnerRequest({ id: "req-1", requester: BOB });
const FROM_CARLA = partnerRequest({
  id: "req-2",
  requester: { ...CARLA, organisation: "Escuela Madrid" },
});
const TO_CARLA = partnerRequest({ id: "req-3", requester: ANA_PERSON, recipient: CARLA });

function bridge() {
  return new FakeBridge().on("GET", "/api/partners/requests", () =>
    json(200, { incoming: [FROM_BOB, FROM_CARLA], outgoing: [TO_CARLA] }),
  );
}

/** The list item of an incoming request, found by the person's name. */
function requestFrom(name: string) {
  const incoming = screen.getByRole("region", { name: "Waiting for your answer" });
  const item = within(incoming).getByText(name).closest("li");
  if (!item) throw new Error(`No request from ${name}`);
  return item;
}

beforeEach(() => {
  window.history.replaceState(null, "", "/partners/requests");
});

describe("RequestsPage", () => {
  it("lists the requests waiting for an answer and the ones sent", async () => {
    renderWithPartners(<RequestsPage />, bridge());

    expect(screen.getByRole("heading", { level: 1, name: "Requests" })).toBeInTheDocument();
    const incoming = await screen.findByRole("region", { name: "Waiting for your answer" });
    expect(within(incoming).getAllByRole("listitem")).toHaveLength(2);
    const accept = within(requestFrom("Bob Silva")).getByRole("button", { name: "Accept" });
    expect(accept).toHaveAccessibleDescription("Bob Silva");
    expect(within(requestFrom("Bob Silva")).getByRole("button", { name: "Decline" })).toBeVisible();
    // A partner organisation's learner is named with their organisation; our own are not.
    expect(within(requestFrom("Carla Ruiz")).getByText("from Escuela Madrid")).toBeVisible();
    expect(within(requestFrom("Bob Silva")).queryByText(/^from /)).not.toBeInTheDocument();

    const outgoing = screen.getByRole("region", { name: "Sent by you" });
    expect(within(outgoing).getByText("Carla Ruiz")).toBeInTheDocument();
    expect(within(outgoing).getByText("Pending")).toBeInTheDocument();
    expect(within(outgoing).queryByRole("button")).not.toBeInTheDocument();
  });

  it("accepts and goes to the new shared room", async () => {
    const fake = bridge().on("POST", "/api/partners/requests/req-1/accept", () =>
      json(200, { partner: partner({ room_id: "!shared:example.org" }) }),
    );
    const { user, requests } = renderWithPartners(<RequestsPage />, fake);

    await screen.findByText("Bob Silva");
    await user.click(within(requestFrom("Bob Silva")).getByRole("button", { name: "Accept" }));

    await waitFor(() => expect(window.location.pathname).toBe("/rooms/!shared%3Aexample.org"));
    expect(fake.calls("POST", "/api/partners/requests/req-1/accept")).toHaveLength(1);
    expect(requests.getSnapshot().incoming.map((request) => request.id)).toEqual(["req-2"]);
  });

  it("accepts and goes to the partners list while the room is being set up", async () => {
    const fake = bridge().on("POST", "/api/partners/requests/req-1/accept", () =>
      json(200, { partner: partner({ room_id: null }) }),
    );
    const { user } = renderWithPartners(<RequestsPage />, fake);

    await screen.findByText("Bob Silva");
    await user.click(within(requestFrom("Bob Silva")).getByRole("button", { name: "Accept" }));

    await waitFor(() => expect(window.location.pathname).toBe("/partners"));
  });

  it("declines: the request goes away and the page says so", async () => {
    const fake = bridge().on("POST", "/api/partners/requests/req-2/decline", () =>
      json(200, { request: { ...FROM_CARLA, status: "declined" } }),
    );
    const { user } = renderWithPartners(<RequestsPage />, fake);

    await screen.findByText("Bob Silva");
    await user.click(within(requestFrom("Carla Ruiz")).getByRole("button", { name: "Decline" }));

    await statusSays("You declined Carla Ruiz's request.");
    const incoming = screen.getByRole("region", { name: "Waiting for your answer" });
    expect(within(incoming).queryByText("Carla Ruiz")).not.toBeInTheDocument();
    expect(within(incoming).getByText("Bob Silva")).toBeInTheDocument();
  });

  it("keeps a request whose answer failed, with the reason beside it", async () => {
    const fake = bridge().on("POST", "/api/partners/requests/req-1/accept", () =>
      json(404, { errcode: "M_NOT_FOUND", error: "That request is no longer pending." }),
    );
    const { user } = renderWithPartners(<RequestsPage />, fake);

    await screen.findByText("Bob Silva");
    await user.click(within(requestFrom("Bob Silva")).getByRole("button", { name: "Accept" }));

    expect(await within(requestFrom("Bob Silva")).findByRole("alert")).toHaveTextContent(
      "That request is no longer pending.",
    );
    expect(window.location.pathname).toBe("/partners/requests");
  });

  it("says when nothing is pending either way", async () => {
    const fake = new FakeBridge().on("GET", "/api/partners/requests", () =>
      json(200, { incoming: [], outgoing: [] }),
    );
    renderWithPartners(<RequestsPage />, fake);

    expect(await screen.findByText("No one is waiting for your answer.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Browse suggested partners" })).toHaveAttribute(
      "href",
      "/partners/find",
    );
  });
});
