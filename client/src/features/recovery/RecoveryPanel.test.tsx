import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { passphraseProblem, RecoveryPanel } from "./RecoveryPanel";
import type { UseRecovery } from "./useRecovery";

function recovery(overrides: Partial<UseRecovery> = {}): UseRecovery {
  return {
    status: "notSetUp",
    working: null,
    error: null,
    newRecoveryKey: null,
    restoredKeys: null,
    setUp: vi.fn(),
    unlock: vi.fn(),
    reset: vi.fn(),
    acknowledgeKey: vi.fn(),
    ...overrides,
  };
}

describe("passphraseProblem", () => {
  it("wants a long enough passphrase typed twice the same", () => {
    expect(passphraseProblem("short", "short")).toMatch(/at least 10/);
    expect(passphraseProblem("long enough one", "long enough two")).toMatch(/different/);
    expect(passphraseProblem("long enough one", "long enough one")).toBeNull();
  });
});

describe("RecoveryPanel", () => {
  it("sets up with a recovery key only, or with a checked passphrase", async () => {
    const user = userEvent.setup();
    const model = recovery();
    render(<RecoveryPanel recovery={model} />);
    await user.click(screen.getByRole("button", { name: "Set up recovery" }));
    expect(model.setUp).toHaveBeenLastCalledWith(null);

    await user.click(screen.getByLabelText("Also unlock it with a passphrase"));
    await user.type(screen.getByLabelText("Passphrase"), "a long passphrase");
    await user.type(screen.getByLabelText("Confirm passphrase"), "a long passphrase!");
    await user.click(screen.getByRole("button", { name: "Set up recovery" }));
    expect(screen.getByLabelText("Confirm passphrase")).toHaveAccessibleDescription(/different/);
    expect(model.setUp).toHaveBeenCalledTimes(1);

    await user.type(screen.getByLabelText("Passphrase"), "!");
    await user.click(screen.getByRole("button", { name: "Set up recovery" }));
    expect(model.setUp).toHaveBeenLastCalledWith("a long passphrase!");
  });

  it("shows a new recovery key until the learner says it is saved", async () => {
    const user = userEvent.setup();
    const model = recovery({ status: "ready", newRecoveryKey: "EsTc LW2K PGiF wKEA" });
    render(<RecoveryPanel recovery={model} />);
    expect(screen.getByRole("textbox", { name: "Recovery key" })).toHaveValue(
      "EsTc LW2K PGiF wKEA",
    );
    const done = screen.getByRole("button", { name: "Done" });
    expect(done).toBeDisabled();
    await user.click(screen.getByLabelText("I have saved my recovery key"));
    await user.click(done);
    expect(model.acknowledgeKey).toHaveBeenCalled();
  });

  it("unlocks a new browser with what the learner typed, and shows a refusal", async () => {
    const user = userEvent.setup();
    const model = recovery({ status: "locked", error: "That is not the recovery key." });
    render(<RecoveryPanel recovery={model} />);
    expect(screen.getByRole("alert")).toHaveTextContent("That is not the recovery key.");
    await user.type(screen.getByLabelText("Recovery key or passphrase"), "EsTc LW2K");
    await user.click(screen.getByRole("button", { name: "Unlock" }));
    expect(model.unlock).toHaveBeenCalledWith("EsTc LW2K");
  });

  it("resets a lost key only with the password", async () => {
    const user = userEvent.setup();
    const model = recovery({ status: "locked" });
    render(<RecoveryPanel recovery={model} />);
    await user.click(screen.getByText("Lost your recovery key?"));
    const reset = screen.getByRole("button", { name: "Reset recovery" });
    expect(reset).toBeDisabled();
    await user.type(screen.getByLabelText("Your password"), "my password");
    await user.click(reset);
    expect(model.reset).toHaveBeenCalledWith("my password", null);
  });
});
