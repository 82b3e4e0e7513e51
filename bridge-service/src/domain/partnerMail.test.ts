import { describe, expect, it } from "vitest";
import { createMailQueue } from "../email/mailQueue.js";
import { partnerMailComposer } from "../email/partnerMails.js";
import { createUnsubscribeTokens } from "../email/unsubscribeTokens.js";
import { createInMemoryEmailOptOutStore } from "../store/memory/inMemoryEmailOptOutStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import type { PartnerRequestView } from "./partnerContext.js";
import { createPartnerMailer, isMailableAddress, type OutgoingMail } from "./partnerMail.js";

const request: PartnerRequestView = {
  id: "1",
  requester: { userId: "@tom:localhost", displayName: "Tom" },
  recipient: { userId: "@ana:localhost", displayName: "Ana" },
  status: "pending",
  createdAt: new Date(),
  decidedAt: undefined,
};

function setup(addresses: Record<string, string>) {
  const { logger, lines } = createCapturedLogger();
  const sent: OutgoingMail[] = [];
  const queue = createMailQueue({ logger, transport: { send: async (m) => void sent.push(m) } });
  const optOuts = createInMemoryEmailOptOutStore();
  const tokens = createUnsubscribeTokens("session-secret-0123456789abcdef0123456789");
  let lookups = 0;
  const mailer = createPartnerMailer({
    outbox: queue,
    compose: partnerMailComposer,
    optOuts,
    signUnsubscribeToken: (userId, kind) => tokens.sign(userId, kind),
    addresses: {
      async verifiedEmailOf(userId) {
        lookups++;
        if (userId === "@broken:localhost") throw new Error("Synapse is down");
        return addresses[userId];
      },
    },
    publicUrl: "http://localhost:8080",
    serverName: "localhost",
    logger,
  });
  return { mailer, sent, queue, optOuts, tokens, lines, lookups: () => lookups };
}

describe("the partner mailer", () => {
  it("mails the recipient's verified address with a working unsubscribe token", async () => {
    const { mailer, sent, queue, tokens } = setup({ "@ana:localhost": "ana@example.org" });
    await mailer.requestReceived(request);
    await queue.idle();
    expect(sent.map((m) => m.to)).toEqual(["ana@example.org"]);
    const token = new URL(sent[0]?.unsubscribeUrl ?? "").searchParams.get("token") ?? "";
    expect(tokens.verify(token)).toEqual({ userId: "@ana:localhost", kind: "partner" });
  });

  it("mails nobody without a verified address, after an opt-out, or on another server", async () => {
    const { mailer, sent, queue, optOuts, lookups } = setup({
      "@tom:localhost": "tom@example.org",
    });
    await mailer.requestReceived(request);
    await optOuts.setOptedOut("@tom:localhost", "partner", true, new Date());
    await mailer.requestAccepted(request, "!room:localhost");
    await mailer.requestReceived({
      ...request,
      recipient: { userId: "@ana:elsewhere.org", displayName: "Ana" },
    });
    await queue.idle();
    expect(sent).toEqual([]);
    expect(lookups()).toBe(1);
  });

  it("mails only plain one-line addresses, however Synapse let them through", async () => {
    for (const bad of [
      "ana\r\nBcc: spy@example.org",
      "ana@example.org\nRCPT TO:<spy@example.org>",
      "\u0000@example.org",
      "a b@example.org",
      "<ana@example.org>",
      "ana@exa mple.org",
      `${"a".repeat(65)}@example.org`,
      "ana@example.org,spy@example.org",
      "ana\u2028@example.org",
    ]) {
      expect(isMailableAddress(bad), JSON.stringify(bad)).toBe(false);
    }
    for (const good of ["ana@example.org", "ana.m+xs@mail.example.co.uk", "josé@example.org"]) {
      expect(isMailableAddress(good), good).toBe(true);
    }
    const { mailer, sent, queue } = setup({ "@ana:localhost": "ana\r\nBcc: spy@example.org" });
    await mailer.requestReceived(request);
    await queue.idle();
    expect(sent).toEqual([]);
  });

  it("never fails the partner flow: a lookup error is logged without addresses", async () => {
    const { mailer, lines } = setup({});
    await expect(
      mailer.requestReceived({
        ...request,
        recipient: { userId: "@broken:localhost", displayName: "B" },
      }),
    ).resolves.toBeUndefined();
    expect(lines.join("")).toContain("partner mail not queued");
  });
});
