import { screen, waitFor, within } from "@testing-library/react";
import type { MatrixClient } from "matrix-js-sdk";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeBridge, json } from "../../test/fakeBridge";
import { FakeRoom, fakeMatrixClient } from "../../test/fakeMatrixSdk";
import { CARLA, LANGUAGES, partner, renderWithPartners, report } from "../../test/fakePartners";
import { PartnersPage } from "./PartnersPage";

const BOB_ID = "@bob:example.org";
const ROOM_ID = "!room1:example.org";

function bridge() {
  return new FakeBridge()
    .on("GET", "/api/languages", () => json(200, { languages: LANGUAGES }))
    .on("GET", "/api/partners", () =>
      json(200, {
        partners: [partner(), partner({ ...CARLA, room_id: null, native: ["fr"] })],
      }),
    );
}

/** Ana's client, with the room she shares with Bob loaded and twelve messages from him. */
function clientWithSharedRoom() {
  const client = fakeMatrixClient();
  const room = new FakeRoom(ROOM_ID, {
    myUserId: "@ana:example.org",
    creator: "@xstream:example.org",
  });
  room.setMember("@ana:example.org", "Ana Lima", "join");
  room.setMember(BOB_ID, "Bob Silva", "join");
  const bobsEvents: string[] = [];
  for (let i = 1; i <= 12; i++) {
    bobsEvents.push(room.message(BOB_ID, `message ${i}`).getId() ?? "");
    room.message("@ana:example.org", `reply ${i}`);
  }
  client.rooms.set(ROOM_ID, room);
  return { client: client as unknown as MatrixClient, bobsEvents };
}

function card(name: string) {
  return screen.getByRole("article", { name });
}

beforeEach(() => {
  window.history.replaceState(null, "", "/partners");
});

describe("PartnersPage", () => {
  it("lists partners with their languages and a way into the shared room", async () => {
    renderWithPartners(<PartnersPage matrixClient={null} />, bridge());

    expect(screen.getByRole("heading", { level: 1, name: "Partners" })).toBeInTheDocument();
    const bob = await screen.findByRole("article", { name: "Bob Silva" });
    expect(within(bob).getByRole("link", { name: "Open chat" })).toHaveAttribute(
      "href",
      "/rooms/!room1%3Aexample.org",
    );
    await waitFor(() =>
      expect(within(bob).getByText("Brazilian Portuguese (B1)")).toBeInTheDocument(),
    );
    expect(within(bob).getByText(/Partners since/)).toBeInTheDocument();

    const carla = card("Carla Ruiz");
    expect(within(carla).queryByRole("link", { name: "Open chat" })).not.toBeInTheDocument();
    expect(within(carla).getByRole("button", { name: "Setting up your room…" })).toBeDisabled();
  });

  it("blocks after asking, and drops the partner from the list", async () => {
    const fake = bridge().on("POST", "/api/blocks", () => json(200, {}));
    const { user } = renderWithPartners(<PartnersPage matrixClient={null} />, fake);

    await user.click(
      within(await screen.findByRole("article", { name: "Bob Silva" })).getByRole("button", {
        name: "Block",
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "Block Bob Silva?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();

    await user.click(within(dialog).getByRole("button", { name: "Block" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.queryByRole("article", { name: "Bob Silva" })).not.toBeInTheDocument();
    expect(card("Carla Ruiz")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("You blocked Bob Silva.");
    expect(fake.calls("POST", "/api/blocks")[0]?.body).toEqual({ user_id: BOB_ID });
    expect(screen.getByRole("heading", { level: 1, name: "Partners" })).toHaveFocus();
  });

  it("does nothing when blocking is cancelled, and gives the focus back", async () => {
    const fake = bridge();
    const { user } = renderWithPartners(<PartnersPage matrixClient={null} />, fake);

    const block = within(await screen.findByRole("article", { name: "Bob Silva" })).getByRole(
      "button",
      { name: "Block" },
    );
    await user.click(block);
    await user.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(block).toHaveFocus();
    expect(fake.calls("POST", "/api/blocks")).toHaveLength(0);
  });

  it("reports with a reason and the partner's latest ten messages in the shared room", async () => {
    const fake = bridge().on("POST", "/api/reports", () => json(201, { report: report() }));
    const { client, bobsEvents } = clientWithSharedRoom();
    const { user } = renderWithPartners(<PartnersPage matrixClient={client} />, fake);

    await user.click(
      within(await screen.findByRole("article", { name: "Bob Silva" })).getByRole("button", {
        name: "Report",
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "Report Bob Silva" });
    const reason = within(dialog).getByLabelText("Reason");
    expect(reason).toHaveFocus();

    await user.click(within(dialog).getByRole("button", { name: "Send report" }));
    expect(reason).toHaveAccessibleDescription(
      "Say what happened, so the moderators can act on it.",
    );
    expect(fake.calls("POST", "/api/reports")).toHaveLength(0);

    await user.type(reason, "Rude messages");
    await user.click(within(dialog).getByRole("button", { name: "Send report" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(fake.calls("POST", "/api/reports")[0]?.body).toEqual({
      user_id: BOB_ID,
      reason: "Rude messages",
      room_id: ROOM_ID,
      event_ids: bobsEvents.slice(-10),
    });
    expect(screen.getByRole("status")).toHaveTextContent(
      "Your report about Bob Silva has been sent to the moderators.",
    );
    expect(card("Bob Silva")).toBeInTheDocument();
  });

  it("reports without evidence when the room is not loaded, and shows a refusal in the dialog", async () => {
    const fake = bridge().on("POST", "/api/reports", () =>
      json(429, { errcode: "M_LIMIT_EXCEEDED", error: "Slow down" }),
    );
    const { user } = renderWithPartners(<PartnersPage matrixClient={null} />, fake);

    await user.click(
      within(await screen.findByRole("article", { name: "Carla Ruiz" })).getByRole("button", {
        name: "Report",
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "Report Carla Ruiz" });
    await user.type(within(dialog).getByLabelText("Reason"), "Spam");
    await user.click(within(dialog).getByRole("button", { name: "Send report" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent(/Too many attempts/);
    expect(fake.calls("POST", "/api/reports")[0]?.body).toEqual({
      user_id: "@carla:example.org",
      reason: "Spam",
    });
  });

  it("says when there are no partners yet", async () => {
    const fake = bridge().on("GET", "/api/partners", () => json(200, { partners: [] }));
    renderWithPartners(<PartnersPage matrixClient={null} />, fake);

    expect(await screen.findByText("No partners yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Browse suggested partners" })).toHaveAttribute(
      "href",
      "/partners/find",
    );
  });
});
