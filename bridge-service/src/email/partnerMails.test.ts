import { describe, expect, it } from "vitest";
import type { PartnerRequestView } from "../domain/partnerContext.js";
import { hostileCorpus } from "../testing/hostileInput.js";
import { mailSafeName, requestAcceptedMail, requestReceivedMail } from "./partnerMails.js";

const LINKS = {
  publicUrl: "https://chat.example.org",
  unsubscribeUrl: "https://chat.example.org/api/email/unsubscribe?token=abc.def",
  settingsUrl: "https://chat.example.org/settings",
};

const requestFrom = (displayName: string): PartnerRequestView => ({
  id: "1",
  requester: { userId: "@mallory:example.org", displayName },
  recipient: { userId: "@ana:example.org", displayName: "Ana" },
  status: "pending",
  createdAt: new Date(),
  decidedAt: undefined,
});

describe("partner mails", () => {
  it("say who asked, link to the requests page and carry the unsubscribe link", () => {
    const mail = requestReceivedMail("ana@example.org", requestFrom("Tom"), LINKS);
    expect(mail.subject).toBe("Tom would like to be your language partner");
    expect(mail.text).toContain("https://chat.example.org/partners/requests");
    expect(mail.text).toContain(LINKS.unsubscribeUrl);
    expect(mail.html).toContain("<strong>Tom</strong>");
    const accepted = requestAcceptedMail("tom@example.org", requestFrom("Tom"), "!r:x", LINKS);
    expect(accepted.subject).toBe("Ana accepted your partner request");
    expect(accepted.text).toContain("/rooms/!r%3Ax");
  });

  it("escape hostile display names in HTML and keep subjects one bounded line", () => {
    const started = performance.now();
    const names = [
      "Evil\r\nBcc: victim@example.org\r\n\r\n<script>alert(1)</script>",
      `<img src=x onerror=alert(1)>${"A".repeat(100_000)}`,
      "\u202eevil\u2066",
      ...hostileCorpus().map((entry) => entry.text),
    ];
    for (const name of names) {
      const mail = requestReceivedMail("ana@example.org", requestFrom(name), LINKS);
      expect(mail.subject).not.toMatch(/[\r\n\u202e]/);
      expect([...mail.subject].length).toBeLessThan(130);
      expect(mail.html).not.toMatch(/<script|<img/i);
      expect(mail.text).not.toContain("\r\nBcc:");
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("falls back to the user id for an empty or blank name", () => {
    expect(mailSafeName({ userId: "@x:y", displayName: "  \n " })).toBe("@x:y");
  });
});
