import { describe, expect, it } from "vitest";
import { partnerMailComposer } from "../email/partnerMails.js";
import { createUnsubscribeTokens } from "../email/unsubscribeTokens.js";
import { createInMemoryEmailOptOutStore } from "../store/memory/inMemoryEmailOptOutStore.js";
import type { PendingMail } from "../store/partnerMailStore.js";
import { createInMemoryPartnerContext } from "../testing/memoryPartnerContext.js";
import {
  createPartnerMailWriter,
  isMailableAddress,
  MAIL_MAX_AGE_MS,
  ROOM_WAIT_MS,
} from "./partnerMail.js";

const NOW = new Date("2026-03-02T10:00:00Z");
const TOM = "@tom:localhost";
const ANA = "@ana:localhost";

async function setup(addresses: Record<string, string>) {
  const { ctx, partners } = createInMemoryPartnerContext({ now: () => NOW });
  const optOuts = createInMemoryEmailOptOutStore();
  const tokens = createUnsubscribeTokens("session-secret-0123456789abcdef0123456789");
  let now = NOW;
  const write = createPartnerMailWriter({
    partners: ctx,
    compose: partnerMailComposer,
    optOuts,
    signUnsubscribeToken: (userId, kind) => tokens.sign(userId, kind),
    addresses: {
      async verifiedEmailOf(userId) {
        if (userId === "@broken:localhost") throw new Error("Synapse is down");
        return addresses[userId];
      },
    },
    publicUrl: "http://localhost:8080",
    serverName: "localhost",
    now: () => now,
  });
  const created = await partners.createRequest(TOM, ANA, { maxPendingIncoming: 10, now: NOW });
  if (!("request" in created)) throw new Error("request refused");
  const requestId = created.request.id;
  const pending = (kind: PendingMail["kind"], userId: string): PendingMail => ({
    id: "7",
    kind,
    requestId,
    userId,
    attempts: 1,
    createdAt: NOW,
  });
  return {
    write,
    partners,
    optOuts,
    tokens,
    requestId,
    pending,
    later: (ms: number) => {
      now = new Date(NOW.getTime() + ms);
    },
  };
}

describe("the partner mail writer", () => {
  it("mails the recipient's verified address with a working unsubscribe token", async () => {
    const { write, pending, tokens } = await setup({ [ANA]: "ana@example.org" });
    const prepared = await write(pending("request_received", ANA));
    if (!("send" in prepared)) throw new Error(JSON.stringify(prepared));
    expect(prepared.send.to).toBe("ana@example.org");
    expect(prepared.send.subject).toBe("tom would like to be your language partner");
    const token = new URL(prepared.send.unsubscribeUrl).searchParams.get("token") ?? "";
    expect(tokens.verify(token)).toEqual({ userId: ANA, kind: "partner" });
  });

  it("reads the opt-out when the mail is sent, not when it was recorded", async () => {
    const { write, pending, optOuts } = await setup({ [ANA]: "ana@example.org" });
    const mail = pending("request_received", ANA);
    expect(await write(mail)).toHaveProperty("send");
    await optOuts.setOptedOut(ANA, "partner", true, NOW);
    expect(await write(mail)).toEqual({ skip: "opted out" });
  });

  it("skips learners without a verified address, of another server, old news, or a request answered since", async () => {
    const { write, pending, partners, requestId } = await setup({});
    expect(await write(pending("request_received", ANA))).toEqual({ skip: "no verified address" });
    expect(await write(pending("request_received", "@ana:elsewhere.org"))).toEqual({
      skip: "learner of another server",
    });
    expect(await write({ ...pending("request_received", ANA), requestId: "gone" })).toEqual({
      skip: "request gone",
    });
    const {
      write: writeLater,
      pending: pendingLater,
      later,
    } = await setup({
      [ANA]: "ana@example.org",
    });
    later(MAIL_MAX_AGE_MS + 1);
    expect(await writeLater(pendingLater("request_received", ANA))).toEqual({ skip: "too old" });
    await partners.declineRequest(requestId, ANA, NOW);
    expect(await write(pending("request_received", ANA))).toEqual({
      skip: "request already declined",
    });
  });

  it("waits a little for the partner room, then mails the acceptance without it", async () => {
    const { write, pending, partners, requestId, later } = await setup({
      [TOM]: "tom@example.org",
    });
    const accepted = await partners.acceptRequest(requestId, ANA, NOW);
    const mail = pending("request_accepted", TOM);
    expect(await write(mail)).toEqual({ postpone: "partner room not made yet" });
    later(ROOM_WAIT_MS + 1);
    const without = await write(mail);
    if (!("send" in without)) throw new Error(JSON.stringify(without));
    expect(without.send.text).toContain("http://localhost:8080/partners");
    await partners.setPartnershipRoom(accepted?.partnership.users ?? [TOM, ANA], "!room:localhost");
    const withRoom = await write(mail);
    if (!("send" in withRoom)) throw new Error(JSON.stringify(withRoom));
    expect(withRoom.send.to).toBe("tom@example.org");
    expect(withRoom.send.text).toContain("/rooms/!room%3Alocalhost");
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
    const { write, pending } = await setup({ [ANA]: "ana\r\nBcc: spy@example.org" });
    expect(await write(pending("request_received", ANA))).toEqual({
      skip: "verified address is not mailable",
    });
  });

  it("throws when the address cannot be looked up, so the outbox tries again", async () => {
    const { write, pending } = await setup({});
    await expect(write({ ...pending("request_received", "@broken:localhost") })).rejects.toThrow(
      "Synapse is down",
    );
  });
});
