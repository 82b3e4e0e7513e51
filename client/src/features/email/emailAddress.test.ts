import { describe, expect, it } from "vitest";
import {
  type EmailMatrix,
  emailProblem,
  finishVerification,
  loadEmailState,
  readPending,
  removeEmail,
  requestVerification,
  writePending,
} from "./emailAddress";

/** A homeserver in memory: 3PIDs that need a validated session and the password. */
function fakeHomeserver(password = "right-password") {
  const threepids: { medium: string; address: string }[] = [];
  const pushers: { kind: string; app_id: string; pushkey: string }[] = [];
  const sessions = new Map<string, { email: string; validated: boolean }>();
  const calls: string[] = [];
  const matrixError = (httpStatus: number, errcode: string, data: object = {}) =>
    Object.assign(new Error(errcode), { httpStatus, errcode, data });
  const client = {
    getUserId: () => "@ana:example.org",
    async getThreePids() {
      return { threepids: threepids.map((t) => ({ ...t, validated_at: 1, added_at: 1 })) };
    },
    async requestAdd3pidEmailToken(email: string, secret: string, attempt: number) {
      calls.push(`requestToken ${email} ${attempt}`);
      const sid = `sid-${secret.slice(0, 4)}`;
      sessions.set(sid, { email, validated: false });
      return { sid };
    },
    async addThreePidOnly(body: { sid: string; auth?: { password?: string; session?: string } }) {
      if (!body.auth) throw matrixError(401, "M_UNAUTHORIZED", { session: "uia-1" });
      if (body.auth.password !== password) throw matrixError(401, "M_FORBIDDEN");
      const session = sessions.get(body.sid);
      if (!session?.validated) throw matrixError(400, "M_THREEPID_AUTH_FAILED");
      threepids.push({ medium: "email", address: session.email });
      return {};
    },
    async deleteThreePid(_medium: string, address: string) {
      threepids.splice(
        threepids.findIndex((t) => t.address === address),
        1,
      );
      return { id_server_unbind_result: "success" };
    },
    async getPushers() {
      return { pushers };
    },
    async setPusher(pusher: { kind: string; app_id: string; pushkey: string }) {
      pushers.push(pusher);
      return {};
    },
    async removePusher(pushkey: string, appId: string) {
      const index = pushers.findIndex((p) => p.pushkey === pushkey && p.app_id === appId);
      if (index >= 0) pushers.splice(index, 1);
      return {};
    },
  } as unknown as EmailMatrix;
  return { client, sessions, calls, pushers };
}

describe("a learner's email address", () => {
  it("is added after its link was opened and the password given, with missed-message mails on", async () => {
    const home = fakeHomeserver();
    const pending = await requestVerification(home.client, " ana@example.org ");
    expect(pending.email).toBe("ana@example.org");
    expect(await finishVerification(home.client, pending, "right-password", "en")).toBe(
      "link_not_opened",
    );
    const session = home.sessions.get(pending.sid);
    if (session) session.validated = true;
    expect(await finishVerification(home.client, pending, "wrong", "en")).toBe("wrong_password");
    expect(await finishVerification(home.client, pending, "right-password", "en")).toBe("added");
    expect(await loadEmailState(home.client)).toEqual({
      address: "ana@example.org",
      missedMessageMails: true,
    });
    await removeEmail(home.client, "ana@example.org");
    expect(await loadEmailState(home.client)).toEqual({
      address: undefined,
      missedMessageMails: false,
    });
    expect(home.pushers).toEqual([]);
  });

  it("resends with the same secret and the next attempt number", async () => {
    const home = fakeHomeserver();
    const first = await requestVerification(home.client, "ana@example.org");
    const again = await requestVerification(home.client, "ana@example.org", first);
    expect(again.clientSecret).toBe(first.clientSecret);
    expect(home.calls).toEqual([
      "requestToken ana@example.org 1",
      "requestToken ana@example.org 2",
    ]);
  });

  it("refuses obviously wrong addresses before asking the server", () => {
    expect(emailProblem("")).toBe("Enter your email address");
    expect(emailProblem("ana")).toMatch(/like name@example.org/);
    expect(emailProblem("ana@example.org\r\nBcc: x@y.z")).toMatch(/like/);
    expect(emailProblem(`${"a".repeat(300)}@example.org`)).toMatch(/too long/);
    expect(emailProblem("ana@example.org")).toBeUndefined();
  });

  it("keeps a pending verification across reloads, ignoring anything malformed", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
      removeItem: (key: string) => void store.delete(key),
    };
    const pending = { email: "a@b.c", clientSecret: "s", sid: "1", sendAttempt: 1 };
    writePending(storage, pending);
    expect(readPending(storage)).toEqual(pending);
    store.set("xstream.email.pending", '{"email": 5}');
    expect(readPending(storage)).toBeUndefined();
    store.set("xstream.email.pending", "not json");
    expect(readPending(storage)).toBeUndefined();
    writePending(storage, undefined);
    expect(store.size).toBe(0);
  });
});
