import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
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

describe("MemberPanel", () => {
  it("lists members with their roles and who is invited", () => {
    render(<MemberPanel members={members()} />);
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
    render(<MemberPanel members={model} />);
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
    render(<MemberPanel members={model} />);
    await user.click(screen.getByRole("button", { name: "Withdraw invite to Dan Wu" }));
    const dialog = screen.getByRole("dialog", { name: "Withdraw the invite to Dan Wu?" });
    await user.click(within(dialog).getByRole("button", { name: "Withdraw invite" }));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("forbidden");
  });

  it("invites by Matrix ID and says so, or shows why not", async () => {
    const user = userEvent.setup();
    const invite = vi.fn(async (id: string) =>
      id === "@eve:example.org" ? null : "Not a Matrix ID",
    );
    render(<MemberPanel members={members({ invite })} />);
    const field = screen.getByLabelText("Invite by Matrix ID");
    await user.type(field, "eve");
    await user.click(screen.getByRole("button", { name: "Invite" }));
    expect(field).toHaveAccessibleDescription(/Not a Matrix ID/);

    await user.clear(field);
    await user.type(field, "@eve:example.org{Enter}");
    expect(invite).toHaveBeenLastCalledWith("@eve:example.org");
    expect(screen.getByRole("status")).toHaveTextContent("Invited @eve:example.org.");
    expect(field).toHaveValue("");
  });

  it("has no invite form for those who may not invite", () => {
    render(<MemberPanel members={members({ canInvite: false })} />);
    expect(screen.queryByLabelText("Invite by Matrix ID")).toBeNull();
  });
});
