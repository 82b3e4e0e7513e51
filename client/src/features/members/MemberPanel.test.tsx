import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UsePeopleSearch } from "../search";
import { MemberPanel } from "./MemberPanel";
import type { MemberView } from "./roster";
import type { UseMembers } from "./useMembers";

function member(userId: string, displayName: string, extra: Partial<MemberView> = {}): MemberView {
  return { userId, displayName, avatarMxc: null, role: null, canRemove: false, ...extra };
}

function members(overrides: Partial<UseMembers> = {}): UseMembers {
  return {
    joined: [
      member("@ana:example.org", "Ana Lima", { role: "Owner" }),
      member("@ben:example.org", "Ben Okafor", { canRemove: true }),
    ],
    invited: [member("@dan:example.org", "Dan Wu", { canRemove: true })],
    canInvite: true,
    invite: vi.fn(async () => null),
    remove: vi.fn(async () => null),
    ...overrides,
  };
}

function people(overrides: Partial<UsePeopleSearch> = {}): UsePeopleSearch {
  return {
    query: "",
    results: [],
    searching: false,
    error: null,
    available: true,
    setQuery: vi.fn(),
    clear: vi.fn(),
    ...overrides,
  };
}

describe("MemberPanel", () => {
  it("lists members with their roles and who is invited", () => {
    render(<MemberPanel members={members()} peopleSearch={people()} />);
    const joined = screen.getByRole("list", { name: /Members/ });
    expect(
      within(joined)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([expect.stringContaining("Ana LimaOwner"), expect.stringContaining("Ben Okafor")]);
    expect(within(screen.getByRole("list", { name: "Invited" })).getByText("Dan Wu")).toBeVisible();
  });

  it("removes a member after confirming, passing the reason", async () => {
    const user = userEvent.setup();
    const model = members();
    render(<MemberPanel members={model} peopleSearch={people()} />);
    expect(screen.queryByRole("button", { name: "Remove Ana Lima" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Remove Ben Okafor" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Ben Okafor from the room?" });
    await user.type(within(dialog).getByLabelText("Reason (optional)"), "Spam");
    await user.click(within(dialog).getByRole("button", { name: "Remove" }));
    expect(model.remove).toHaveBeenCalledWith("@ben:example.org", "Spam");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("keeps the dialog open with the server's refusal", async () => {
    const user = userEvent.setup();
    const model = members({ remove: vi.fn(async () => "Couldn't remove them: forbidden") });
    render(<MemberPanel members={model} peopleSearch={people()} />);
    await user.click(screen.getByRole("button", { name: "Withdraw invite to Dan Wu" }));
    const dialog = screen.getByRole("dialog", { name: "Withdraw the invite to Dan Wu?" });
    await user.click(within(dialog).getByRole("button", { name: "Withdraw invite" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("forbidden");
  });

  it("invites someone found by the people search and says so, or shows why not", async () => {
    const user = userEvent.setup();
    const invite = vi.fn(async (id: string) =>
      id === "@eve:example.org" ? null : "They are already invited.",
    );
    const search = people({
      query: "e",
      results: [
        { userId: "@eve:example.org", displayName: "Eve Li", avatarMxc: null },
        { userId: "@dan:example.org", displayName: "Dan Wu", avatarMxc: null },
      ],
    });
    render(<MemberPanel members={members({ invite })} peopleSearch={search} />);
    await user.type(screen.getByLabelText("Invite people"), "v");
    expect(search.setQuery).toHaveBeenLastCalledWith("ev");

    await user.click(screen.getByRole("button", { name: "Invite Dan Wu" }));
    expect(screen.getByRole("alert")).toHaveTextContent("They are already invited.");

    await user.click(screen.getByRole("button", { name: "Invite Eve Li" }));
    expect(invite).toHaveBeenLastCalledWith("@eve:example.org");
    expect(screen.getByRole("status")).toHaveTextContent("Invited Eve Li.");
    expect(search.clear).toHaveBeenCalled();
  });

  it("has no invite form for those who may not invite", () => {
    render(<MemberPanel members={members({ canInvite: false })} peopleSearch={people()} />);
    expect(screen.queryByLabelText("Invite people")).toBeNull();
  });
});
