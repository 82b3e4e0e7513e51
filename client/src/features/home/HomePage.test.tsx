import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ANA } from "../../test/fakeBridge";
import { HomePage } from "./HomePage";

describe("HomePage", () => {
  it("greets the person by display name", () => {
    render(<HomePage user={ANA} matrix={{ status: "connecting", userId: null, error: null }} />);

    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Hello, Ana Lima");
    expect(screen.getByRole("status")).toHaveTextContent("Connecting to Matrix…");
  });

  it("says which Matrix user it is connected as once synced", () => {
    render(
      <HomePage
        user={ANA}
        matrix={{ status: "connected", userId: "@ana:example.org", error: null }}
      />,
    );

    expect(screen.getByText("Connected to Matrix as @ana:example.org")).toBeInTheDocument();
  });

  it("explains a failed Matrix login and offers to try again", async () => {
    const onRetryMatrix = vi.fn();
    render(
      <HomePage
        user={ANA}
        matrix={{ status: "error", userId: null, error: "Couldn't connect to Matrix: offline" }}
        onRetryMatrix={onRetryMatrix}
      />,
    );

    expect(screen.getByRole("status")).toHaveTextContent("Couldn't connect to Matrix: offline");
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetryMatrix).toHaveBeenCalledTimes(1);
  });
});
