import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { MatrixEvent } from "matrix-js-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { roomWithBob } from "../../test/fakeSendingClient";
import { PendingMessageActions } from "./PendingMessageActions";

/** A room with one message that failed to send (with `error`). */
async function failedMessage(error = new Error("Network request failed")) {
  const setup = roomWithBob();
  setup.client.failures.push(error);
  await setup.client
    .sendMessage(setup.roomId, { msgtype: "m.text", body: "not yet" })
    .catch(() => undefined);
  const echo = setup.client.echoes(setup.roomId)[0];
  if (!echo) throw new Error("no local echo");
  return { ...setup, echo, event: echo as unknown as MatrixEvent };
}

describe("PendingMessageActions", () => {
  afterEach(() => vi.restoreAllMocks());

  it("retries a failed message and disappears once it is sent", async () => {
    const { client, event, echo, room } = await failedMessage();
    const user = userEvent.setup();
    render(<PendingMessageActions client={client.asClient()} event={event} />);

    const group = screen.getByRole("group", { name: "Message not sent" });
    await user.click(within(group).getByRole("button", { name: "Retry" }));

    expect(client.resendEvent).toHaveBeenCalledWith(event, room);
    await vi.waitFor(() => expect(echo.status).toBeNull());
    expect(screen.queryByRole("group")).not.toBeInTheDocument();
    expect(client.delivered.map((content) => content.body)).toEqual(["not yet"]);
  });

  it("comes back when the retry fails too", async () => {
    const { client, event } = await failedMessage();
    client.failures.push(new Error("still down"));
    const user = userEvent.setup();
    render(<PendingMessageActions client={client.asClient()} event={event} />);

    await user.click(screen.getByRole("button", { name: "Retry" }));

    expect(await screen.findByRole("button", { name: "Retry" })).toBeInTheDocument();
    expect(client.resendEvent).toHaveBeenCalledTimes(1);
  });

  it("cancels a failed message, removing it from the room", async () => {
    const { client, event, room } = await failedMessage();
    const user = userEvent.setup();
    render(<PendingMessageActions client={client.asClient()} event={event} />);

    await user.click(screen.getByRole("button", { name: "Cancel" }));

    expect(client.cancelPendingEvent).toHaveBeenCalledWith(event);
    expect(room.events).toHaveLength(0);
    expect(screen.queryByRole("group")).not.toBeInTheDocument();
  });

  it("says the message waits for the connection while offline, and explains rate limits", async () => {
    const { client, event } = await failedMessage();
    act(() => client.setSyncState("ERROR"));
    render(<PendingMessageActions client={client.asClient()} event={event} />);
    expect(screen.getByText("Waiting for the connection to send.")).toBeInTheDocument();

    act(() => client.setSyncState("SYNCING"));
    expect(screen.queryByText("Waiting for the connection to send.")).not.toBeInTheDocument();

    const limited = await failedMessage(
      Object.assign(new Error("Too Many Requests"), {
        httpStatus: 429,
        errcode: "M_LIMIT_EXCEEDED",
      }),
    );
    render(<PendingMessageActions client={limited.client.asClient()} event={limited.event} />);
    expect(screen.getByText("Too many messages at once. Try again.")).toBeInTheDocument();
  });

  it("shows nothing for a message that did not fail", () => {
    const { client, room } = roomWithBob();
    const event = room.message("@ana:example.org", "fine") as unknown as MatrixEvent;
    const { container } = render(
      <PendingMessageActions client={client.asClient()} event={event} />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
