import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AppShell } from "./AppShell";

describe("AppShell", () => {
  it("marks the current page in the navigation and shows who is signed in", () => {
    render(
      <AppShell path="/settings" displayName="Ana Lima" onSignOut={() => {}}>
        <p>content</p>
      </AppShell>,
    );

    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav).toContainElement(screen.getByRole("link", { name: "Settings" }));
    expect(screen.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Home" })).not.toHaveAttribute("aria-current");
    expect(screen.getByText("Ana Lima")).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveTextContent("content");
  });

  it("links to every signed-in page and counts pending requests on Requests", () => {
    const { rerender } = render(
      <AppShell path="/partners" displayName="Ana Lima" onSignOut={() => {}}>
        <p>content</p>
      </AppShell>,
    );

    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((link) => link.getAttribute("href")),
    ).toEqual([
      "/",
      "/chats",
      "/search",
      "/partners/find",
      "/partners/requests",
      "/partners",
      "/profile",
      "/settings",
    ]);
    expect(
      within(nav)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual([
      "Home",
      "Chats",
      "Search",
      "Find partners",
      "Requests",
      "Partners",
      "Profile",
      "Settings",
    ]);
    expect(within(nav).getByRole("link", { name: "Partners" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    expect(within(nav).getByRole("link", { name: "Requests" })).toBeInTheDocument();

    rerender(
      <AppShell path="/partners" displayName="Ana Lima" onSignOut={() => {}} pendingRequests={2}>
        <p>content</p>
      </AppShell>,
    );
    const requests = within(nav).getByRole("link", { name: "Requests, 2 pending" });
    expect(requests).toHaveTextContent("Requests2");
  });

  it("signs out from the button and shows a failure in the alert", async () => {
    const onSignOut = vi.fn();
    const { rerender } = render(
      <AppShell path="/" displayName="Ana" onSignOut={onSignOut}>
        <p>content</p>
      </AppShell>,
    );

    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(onSignOut).toHaveBeenCalledTimes(1);

    rerender(
      <AppShell path="/" displayName="Ana" onSignOut={onSignOut} signingOut signOutError="Offline">
        <p>content</p>
      </AppShell>,
    );
    expect(screen.getByRole("button", { name: "Signing out…" })).toBeDisabled();
    expect(screen.getByRole("alert")).toHaveTextContent("Offline");
  });

  it("shows a banner while the browser is offline, and none once it is back", () => {
    const onLine = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    render(
      <AppShell path="/chats" displayName="Ana Lima" onSignOut={() => {}}>
        <p>content</p>
      </AppShell>,
    );
    expect(
      screen.getByText("You're offline — messages will send when you reconnect."),
    ).toBeVisible();

    onLine.mockReturnValue(true);
    act(() => {
      window.dispatchEvent(new Event("online"));
    });

    expect(screen.queryByText(/You're offline/)).toBeNull();
    onLine.mockRestore();
  });
});
