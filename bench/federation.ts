// Send→receive latency between two organisations (A's learner writes, B's learner reads through
// B's homeserver over federation) beside the same between two learners of A, in one run on the
// same two stacks: messages of both pairs alternate, so both see the same machine load.
import { randomUUID } from "node:crypto";
import { startTestFederation, type TestStack } from "../e2e/harness.ts";
import { type MatrixUser, matrixRequest, registerWithSharedSecret } from "../e2e/matrix.ts";
import { strongPassword } from "../e2e/web-session.ts";
import type { Benchmark } from "./run.ts";
import { percentile, round } from "./stats.ts";

const MESSAGES = 100;

type Stack = TestStack["info"];

async function learner(stack: Stack, name: string): Promise<MatrixUser> {
  return registerWithSharedSecret(
    stack.synapseUrl,
    stack.registrationSharedSecret,
    `${name}-${randomUUID().slice(0, 8)}`,
    strongPassword(),
  );
}

/** A reader's /sync position, advanced by long polls until an event shows up in a room. */
class Reader {
  private since: string | undefined;

  constructor(
    private readonly stack: Stack,
    readonly user: MatrixUser,
  ) {}

  private async sync(timeoutMs: number) {
    const query = new URLSearchParams({
      timeout: String(timeoutMs),
      ...(this.since ? { since: this.since } : {}),
    });
    const sync = await matrixRequest<{
      next_batch: string;
      rooms?: {
        join?: Record<string, { timeline?: { events?: { event_id: string }[] } }>;
        invite?: Record<string, unknown>;
      };
    }>(this.stack.publicUrl, "GET", `/_matrix/client/v3/sync?${query}`, {
      token: this.user.accessToken,
    });
    this.since = sync.next_batch;
    return sync;
  }

  /** Joins `roomId` once the invite has reached this reader's homeserver. */
  async join(roomId: string) {
    for (let tries = 0; tries < 60; tries++) {
      if ((await this.sync(1_000)).rooms?.invite?.[roomId]) break;
    }
    await matrixRequest(
      this.stack.publicUrl,
      "POST",
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      { token: this.user.accessToken, body: {} },
    );
    await this.sync(0);
  }

  async waitFor(roomId: string, eventId: string) {
    for (;;) {
      const sync = await this.sync(10_000);
      const events = sync.rooms?.join?.[roomId]?.timeline?.events ?? [];
      if (events.some((event) => event.event_id === eventId)) return;
    }
  }
}

async function roomWith(writerStack: Stack, writer: MatrixUser, reader: Reader) {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    writerStack.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    { token: writer.accessToken, body: { preset: "private_chat", invite: [reader.user.userId] } },
  );
  await reader.join(roomId);
  return roomId;
}

export const federationBenchmark: Benchmark = async (report) => {
  const federation = await startTestFederation();
  try {
    const { a, b } = { a: federation.a.info, b: federation.b.info };
    const writer = await learner(a, "writer");
    const pairs = {
      "one server": new Reader(a, await learner(a, "local")),
      federated: new Reader(b, await learner(b, "remote")),
    };
    const rooms = {
      "one server": await roomWith(a, writer, pairs["one server"]),
      federated: await roomWith(a, writer, pairs.federated),
    };
    const samples: Record<keyof typeof pairs, number[]> = { "one server": [], federated: [] };
    for (let i = 0; i < MESSAGES; i++) {
      for (const pair of ["one server", "federated"] as const) {
        const started = performance.now();
        const { event_id: eventId } = await matrixRequest<{ event_id: string }>(
          a.publicUrl,
          "PUT",
          `/_matrix/client/v3/rooms/${encodeURIComponent(rooms[pair])}/send/m.room.message/${randomUUID()}`,
          { token: writer.accessToken, body: { msgtype: "m.text", body: `message ${i}` } },
        );
        await pairs[pair].waitFor(rooms[pair], eventId);
        samples[pair].push(performance.now() - started);
      }
    }
    for (const pair of ["one server", "federated"] as const) {
      const sorted = [...samples[pair]].sort((x, y) => x - y);
      const slug = pair === "federated" ? "federation_a_to_b" : "federation_baseline_same_server";
      report({
        name: `${slug}_send_to_receive_p50`,
        value: round(percentile(sorted, 50)),
        unit: "ms",
      });
      report({
        name: `${slug}_send_to_receive_p99`,
        value: round(percentile(sorted, 99)),
        unit: "ms",
      });
    }
  } finally {
    await federation.stop();
  }
};
