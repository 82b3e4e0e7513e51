import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { WidgetExchangeResponse } from "@xstream/contract";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExchangePanel } from "./ExchangePanel";
import { ExchangeViewModel } from "./ExchangeViewModel";
import type { ExchangeCapability } from "./exchangePort";
import { ExchangeTimerLine } from "./TimerParts";
import { FakeExchangeRoom, fakePeople } from "./testing/fakeExchangeRoom";

const ANA = "@ana:example.org";
const BEN = "@ben:example.org";

const PEOPLE: Record<string, WidgetExchangeResponse> = {
  [ANA]: {
    viewer: {
      user_id: ANA,
      display_name: "Ana Lima",
      native: ["pt"],
      learning: [{ language: "es", level: "A2" }],
      organisation: null,
    },
    partner: {
      user_id: BEN,
      display_name: "Ben Okafor",
      native: ["es", "en"],
      learning: [{ language: "pt", level: "B1" }],
      organisation: "Escuela Norte",
    },
  },
};

function renderPanel(room: FakeExchangeRoom, refuse: ExchangeCapability[] = []) {
  const port = room.port(ANA, { partnerId: BEN, refuse });
  const model = new ExchangeViewModel({
    port,
    fetchPeople: fakePeople(PEOPLE),
    hostName: "Element",
  });
  const user = userEvent.setup();
  render(
    <>
      <ExchangeTimerLine model={model} />
      <ExchangePanel model={model} announce={false} />
    </>,
  );
  return { port, model, user };
}

const part = (name: string) => screen.getByRole("region", { name });

describe("ExchangePanel", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows both partners' languages and levels", async () => {
    renderPanel(new FakeExchangeRoom());
    const partner = await screen.findByRole("article", { name: /^Ben Okafor/ });
    expect(partner).toHaveTextContent("Escuela Norte");
    expect(partner).toHaveTextContent("SpeaksSpanish, English");
    expect(partner).toHaveTextContent("LearnsPortuguese B1");
    expect(screen.getByRole("article", { name: "You (Ana Lima)" })).toHaveTextContent(
      "LearnsSpanish A2",
    );
  });

  it("starts the shared timer, counts down and says the switch aloud", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 10, 0, 0), shouldAdvanceTime: false });
    const room = new FakeExchangeRoom();
    // Fake timers and user-event's own delays do not mix: plain DOM events here.
    const { port } = renderPanel(room);
    await act(() => vi.advanceTimersByTimeAsync(0));
    const timer = part("Practice timer");
    expect(within(timer).getByRole("combobox", { name: "First language" })).toHaveValue("es");
    expect(within(timer).getByRole("combobox", { name: "Then" })).toHaveValue("pt");
    const minutes = within(timer).getByRole("spinbutton", { name: "Minutes each" });
    fireEvent.change(minutes, { target: { value: "3" } });
    await act(async () => {
      fireEvent.click(within(timer).getByRole("button", { name: "Start the timer" }));
    });
    expect(port.setTimer).toHaveBeenCalledWith({
      languages: ["es", "pt"],
      minutes: 3,
      started_at: Date.now(),
    });
    expect(timer).toHaveTextContent("Speaking Spanish");
    expect(timer).toHaveTextContent("3:00 left");
    expect(screen.getByText("Speaking Spanish · 3:00 left")).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(180_000));
    expect(timer).toHaveTextContent("Speaking Portuguese");
    const live = document.querySelector("[aria-live='polite']");
    expect(live).toHaveTextContent("Now speaking Portuguese.");
    // One live region only: the panel leaves the announcing to the header line here.
    expect(document.querySelectorAll("[aria-live]")).toHaveLength(1);

    await act(async () => {
      fireEvent.click(within(timer).getByRole("button", { name: "Stop the timer" }));
    });
    expect(port.setTimer).toHaveBeenLastCalledWith(null);
    expect(within(timer).getByRole("button", { name: "Start the timer" })).toBeEnabled();
  });

  it("shows a prompt for the learner's level and another on request", async () => {
    renderPanel(new FakeExchangeRoom());
    const prompts = part("Something to talk about");
    await within(prompts).findByText(/your level/);
    expect(prompts).toHaveTextContent("In Spanish at A2 (your level)");
    const first = prompts.querySelector("blockquote")?.textContent;
    await userEvent.click(within(prompts).getByRole("button", { name: "Another prompt" }));
    expect(prompts.querySelector("blockquote")?.textContent).not.toBe(first);
    expect(prompts.querySelector("blockquote")).toHaveAttribute("lang", "es");
  });

  it("corrects a partner's message and lists the correction as a diff", async () => {
    const room = new FakeExchangeRoom();
    room.send(BEN, "Yo tiene un perro");
    const { user, port } = renderPanel(room);
    const correct = part("Correct a message");
    await user.click(within(correct).getByRole("radio", { name: "Yo tiene un perro" }));
    const box = within(correct).getByRole("textbox", { name: "Corrected text" });
    expect(box).toHaveValue("Yo tiene un perro");
    await user.clear(box);
    await user.type(box, "Yo tengo un perro");
    // The preview shows the partner what changed.
    expect(within(correct).getByText("tiene", { selector: "del" })).toBeInTheDocument();
    await user.click(within(correct).getByRole("button", { name: "Send correction" }));
    expect(port.sendCorrection).toHaveBeenCalledOnce();
    expect(within(correct).getByRole("status")).toHaveTextContent("Correction sent.");

    const list = within(part("Corrections in this room")).getByRole("list");
    const item = within(list).getByRole("listitem");
    expect(item).toHaveTextContent("You corrected Ben Okafor");
    expect(item.querySelector("del")).toHaveTextContent("tiene");
    expect(item.querySelector("ins")).toHaveTextContent("tengo");
  });

  it("disables each part whose capability was refused and says why", async () => {
    const room = new FakeExchangeRoom();
    room.setTimer({ languages: ["es", "pt"], minutes: 5, started_at: Date.now() });
    renderPanel(room, ["send_correction", "set_timer", "openid"]);
    const send = within(part("Correct a message")).getByRole("button", { name: "Send correction" });
    expect(send).toBeDisabled();
    expect(send).toHaveAccessibleDescription(
      "Correct is off: Element was not allowed to send messages for Xstream.",
    );
    const stop = within(part("Practice timer")).getByRole("button", { name: "Stop the timer" });
    expect(stop).toBeDisabled();
    expect(stop).toHaveAccessibleDescription(
      "Starting and stopping the timer is off: Element was not allowed to change it for Xstream.",
    );
    expect(part("Languages")).toHaveTextContent(
      "Languages and levels are hidden: Element was not allowed to confirm who you are to Xstream.",
    );
  });

  it("renders hostile message text as text", async () => {
    const room = new FakeExchangeRoom();
    room.send(BEN, '<img src=x onerror="alert(1)"><script>alert(2)</script>');
    renderPanel(room);
    const correct = part("Correct a message");
    expect(
      within(correct).getByRole("radio", { name: /<img src=x onerror="alert\(1\)">/ }),
    ).toBeInTheDocument();
    expect(document.querySelector("img, script")).toBeNull();
  });
});
