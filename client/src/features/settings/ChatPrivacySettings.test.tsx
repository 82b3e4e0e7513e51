import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { FakeMatrixEvent } from "../../test/fakeMatrixRoom";
import { fakeMatrixClient } from "../../test/fakeMatrixSdk";
import { ChatPrivacySettings } from "./ChatPrivacySettings";
import { CHAT_SETTINGS_TYPE } from "./chatSettings";

function renderSettings(client: ReturnType<typeof fakeMatrixClient> | null) {
  const user = userEvent.setup();
  render(<ChatPrivacySettings client={client as unknown as MatrixClient | null} />);
  return { user, checkbox: () => screen.getByRole("checkbox", { name: "Send read receipts" }) };
}

describe("ChatPrivacySettings", () => {
  it("sends read receipts by default, and saves turning them off in the account data", async () => {
    const client = fakeMatrixClient();
    const { user, checkbox } = renderSettings(client);
    expect(checkbox()).toBeChecked();

    await user.click(checkbox());

    expect(checkbox()).not.toBeChecked();
    expect(client.setAccountData).toHaveBeenCalledWith(CHAT_SETTINGS_TYPE, {
      send_read_receipts: false,
    });
    expect(checkbox()).toBeEnabled();
  });

  it("keeps what else the settings event holds", async () => {
    const client = fakeMatrixClient();
    client.accountData.set(
      CHAT_SETTINGS_TYPE,
      new FakeMatrixEvent({
        type: CHAT_SETTINGS_TYPE,
        sender: "@ana:example.org",
        content: { send_read_receipts: false, future_setting: 3 },
      }),
    );
    const { user, checkbox } = renderSettings(client);
    expect(checkbox()).not.toBeChecked();

    await user.click(checkbox());

    expect(client.setAccountData).toHaveBeenCalledWith(CHAT_SETTINGS_TYPE, {
      send_read_receipts: true,
      future_setting: 3,
    });
  });

  it("follows a change made on another device", () => {
    const client = fakeMatrixClient();
    const { checkbox } = renderSettings(client);

    act(() => {
      const event = new FakeMatrixEvent({
        type: CHAT_SETTINGS_TYPE,
        sender: "@ana:example.org",
        content: { send_read_receipts: false },
      });
      client.accountData.set(CHAT_SETTINGS_TYPE, event);
      client.emit("accountData", event);
    });

    expect(checkbox()).not.toBeChecked();
  });

  it("takes the change back and says why when it cannot be saved", async () => {
    const client = fakeMatrixClient();
    client.setAccountData.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    const { user, checkbox } = renderSettings(client);

    await user.click(checkbox());

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Couldn't save the setting: M_LIMIT_EXCEEDED",
    );
    expect(checkbox()).toBeChecked();
  });

  it("waits for Matrix before it can be changed", () => {
    const { checkbox } = renderSettings(null);

    expect(checkbox()).toBeDisabled();
    expect(screen.getByText("Available once you are connected to Matrix.")).toBeInTheDocument();
  });
});
