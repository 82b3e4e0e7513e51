import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { EmailApi } from "../../api/emailApi";
import { EmailSettings } from "./EmailSettings";
import type { EmailMatrix } from "./emailAddress";

const api = (enabled: boolean, partnerMails = true): EmailApi => ({
  settings: vi.fn(async () => ({ enabled, partner_mails: enabled && partnerMails })),
  setPartnerMails: vi.fn(async (on: boolean) => ({ enabled, partner_mails: on })),
});

function client(threepids: string[] = [], pushers: string[] = []) {
  return {
    getUserId: () => "@ana:example.org",
    getThreePids: vi.fn(async () => ({
      threepids: threepids.map((address) => ({ medium: "email", address })),
    })),
    getPushers: vi.fn(async () => ({
      pushers: pushers.map((pushkey) => ({ kind: "email", app_id: "m.email", pushkey })),
    })),
    requestAdd3pidEmailToken: vi.fn(async () => ({ sid: "sid-1" })),
    addThreePidOnly: vi.fn(),
    deleteThreePid: vi.fn(async () => ({})),
    setPusher: vi.fn(async () => ({})),
    removePusher: vi.fn(async () => ({})),
  } as unknown as EmailMatrix & Record<string, ReturnType<typeof vi.fn>>;
}

describe("Settings → Email", () => {
  it("says so when the server sends no mail", async () => {
    render(<EmailSettings client={client()} api={api(false)} />);
    expect(await screen.findByText(/This server does not send email/)).toBeInTheDocument();
    expect(screen.queryByLabelText("Email address")).not.toBeInTheDocument();
  });

  it("sends a verification link and then asks for the password", async () => {
    sessionStorage.clear();
    const user = userEvent.setup();
    const matrix = client();
    render(<EmailSettings client={matrix} api={api(true)} />);
    await user.click(await screen.findByRole("button", { name: "Send verification link" }));
    expect(screen.getByText("Enter your email address")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Email address"), "ana@example.org");
    await user.click(screen.getByRole("button", { name: "Send verification link" }));
    expect(await screen.findByText(/We sent a link to/)).toHaveTextContent("ana@example.org");
    expect(matrix.requestAdd3pidEmailToken).toHaveBeenCalledWith(
      "ana@example.org",
      expect.any(String),
      1,
    );
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
  });

  it("shows a verified address with both kinds of mail, and turns partner mails off", async () => {
    const user = userEvent.setup();
    const bridge = api(true);
    render(
      <EmailSettings client={client(["ana@example.org"], ["ana@example.org"])} api={bridge} />,
    );
    expect(await screen.findByText("ana@example.org")).toBeInTheDocument();
    const missed = screen.getByLabelText("Email me about messages I have not read");
    const partners = screen.getByLabelText("Email me about partner requests and new partners");
    expect(missed).toBeChecked();
    expect(partners).toBeChecked();
    await user.click(partners);
    expect(bridge.setPartnerMails).toHaveBeenCalledWith(false);
    expect(
      await screen.findByLabelText("Email me about partner requests and new partners"),
    ).not.toBeChecked();
  });

  it("takes a change back and says so when it cannot be saved", async () => {
    const user = userEvent.setup();
    const bridge = api(true);
    bridge.setPartnerMails = vi.fn(async () => {
      throw new Error("offline");
    });
    render(<EmailSettings client={client(["ana@example.org"])} api={bridge} />);
    const partners = await screen.findByLabelText(
      "Email me about partner requests and new partners",
    );
    await user.click(partners);
    expect(await screen.findByRole("alert")).toHaveTextContent(/did not work/);
    expect(partners).toBeChecked();
  });
});
