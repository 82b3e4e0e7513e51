// `npm start` as a person runs it: one ready line, Ctrl-C stops everything, a second start keeps
// the same users and rooms, and bad settings are named.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackPorts } from "../scripts/stack/stack.ts";
import { freeStackPorts, removeStateDir } from "./harness.ts";
import {
  matrixRequest,
  passwordLogin,
  registerWithSharedSecret,
  uniqueLocalpart,
} from "./matrix.ts";
import { envFor, npmStart, portIsFree, processesOf, readyUrl } from "./npm-start.ts";
import { jwtLogin, strongPassword, WebSession } from "./web-session.ts";

describe("npm start", () => {
  let stateDir: string;
  let ports: StackPorts;
  const password = `pw-${randomUUID()}`;
  const localpart = uniqueLocalpart("learner");

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "xstream-start-"));
    ports = await freeStackPorts();
  });
  afterAll(async () => {
    await removeStateDir(stateDir);
  });

  it("prints one ready line, serves the client, and stops cleanly on Ctrl-C", async () => {
    const run = npmStart(envFor(stateDir, ports));
    try {
      const url = await readyUrl(run);
      expect(url).toBe(`http://localhost:${ports.edge}`);
      expect(run.output().match(/Xstream is ready:/g)).toHaveLength(1);
      const page = await fetch(url);
      expect(page.status).toBe(200);

      const secrets = JSON.parse(readFileSync(join(stateDir, "secrets.json"), "utf8"));
      await registerWithSharedSecret(
        `http://127.0.0.1:${ports.synapse}`,
        secrets.registrationSharedSecret,
        localpart,
        password,
      );
      const room = await passwordLogin(url, localpart, password).then((user) =>
        matrixRequest<{ room_id: string }>(url, "POST", "/_matrix/client/v3/createRoom", {
          token: user.accessToken,
          body: { name: "Kept across restarts" },
        }),
      );
      expect(room.room_id).toMatch(/^!/);

      // Every page load of the web client logs in to Synapse again (same device). With the
      // production rate limits a learner can reload a dozen times in a row without being locked
      // out (Synapse's defaults allow 5, then one every 5 minutes).
      const web = new WebSession(url);
      expect((await web.signup(`reload${randomUUID().slice(0, 8)}`, strongPassword())).status).toBe(
        201,
      );
      for (let load = 1; load <= 12; load++) {
        const minted = await web.matrixToken();
        expect(minted.status, `token for page load ${load}`).toBe(200);
        const login = await jwtLogin(url, minted.body.token, minted.body.device_id);
        expect(login.status, `login for page load ${load}: ${login.body.errcode}`).toBe(200);
      }
    } finally {
      run.child.kill("SIGINT");
    }
    expect(await run.exited).toBe(0);
    for (const port of [ports.edge, ports.synapse, ports.bridge, ports.livekit, ports.postgres]) {
      expect(await portIsFree(port), `port ${port} released`).toBe(true);
    }
    expect(processesOf(stateDir)).toEqual([]);
  });

  it("keeps users, rooms and secrets on the next start", async () => {
    const secretsBefore = readFileSync(join(stateDir, "secrets.json"), "utf8");
    const run = npmStart(envFor(stateDir, ports));
    try {
      const url = await readyUrl(run);
      const user = await passwordLogin(url, localpart, password);
      const { joined_rooms } = await matrixRequest<{ joined_rooms: string[] }>(
        url,
        "GET",
        "/_matrix/client/v3/joined_rooms",
        { token: user.accessToken },
      );
      expect(joined_rooms).toHaveLength(1);
      expect(readFileSync(join(stateDir, "secrets.json"), "utf8")).toBe(secretsBefore);
    } finally {
      run.child.kill("SIGTERM");
    }
    expect(await run.exited).toBe(0);
    expect(existsSync(join(stateDir, "run", "synapse.pid"))).toBe(false);
  });

  it("names every bad setting and exits without starting anything", async () => {
    const run = npmStart({
      ...envFor(stateDir, ports),
      XSTREAM_PORT: "eighty",
      XSTREAM_LIVEKIT_UDP_PORTS: "50100",
      XSTREAM_SESSION_DAYS: "0",
      XSTREAM_OUTBOUND_ALLOW_PRIVATE: "yes",
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("XSTREAM_PORT");
    expect(run.output()).toContain("XSTREAM_LIVEKIT_UDP_PORTS");
    expect(run.output()).toContain("XSTREAM_SESSION_DAYS");
    expect(run.output()).toContain("XSTREAM_OUTBOUND_ALLOW_PRIVATE");
    expect(run.output()).not.toContain("Xstream is ready");
  });

  it("names the port and the part that wanted it when a port is taken", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.synapse, "127.0.0.1", resolve));
    try {
      const run = npmStart(envFor(stateDir, ports));
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${ports.synapse}/tcp (wanted by Synapse`);
    } finally {
      squatter.close();
    }
  });
});
