// What the partner-organisation tests (directory, policy, requests) do to each organisation's
// stack: speak as its @xstream bot, read its bridge's database and metrics.
import pg from "pg";
import { startTestOrganisations, type TestOrganisations, type TestStack } from "./harness.ts";
import { eventually, matrixRequest } from "./matrix.ts";

type Info = TestStack["info"];

export const ORG_A = "Escuela A";
export const ORG_B = "School B";

/**
 * Three organisations: A (named ORG_A) and B (ORG_B) list each other; C lists `cLists`, which
 * never lists C. Partner rounds every 3 s.
 */
export function startPairedOrganisations(
  cLists: "a" | "b",
): Promise<TestOrganisations<"a" | "b" | "c">> {
  return startTestOrganisations(["a", "b", "c"] as const, (key, names) => {
    const settings = {
      a: { PARTNER_ORGANISATIONS: names.b, ORGANISATION_NAME: ORG_A },
      b: { PARTNER_ORGANISATIONS: names.a, ORGANISATION_NAME: ORG_B },
      c: { PARTNER_ORGANISATIONS: names[cLists] },
    };
    return { ...settings[key], PARTNER_SYNC_SECONDS: "3" };
  });
}

/** The organisation's bot. */
export const bot = (info: Info) => `@xstream:${info.serverName}`;

export const roomPath = (roomId: string) =>
  `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

/** A call to a homeserver as its @xstream bot (the appservice token). */
export const asBot = <T = Record<string, unknown>>(
  info: Info,
  method: string,
  path: string,
  body?: unknown,
) => matrixRequest<T>(info.synapseUrl, method, path, { token: info.asToken, body });

/** Runs `use` on a connection to the organisation's bridge database, closed afterwards. */
export async function withDatabase<T>(
  info: Info,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: info.databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The value of one series on the bridge's /metrics, 0 when absent. */
export async function metric(info: Info, series: string): Promise<number> {
  const text = await (await fetch(`${info.metricsUrl}/metrics`)).text();
  const line = text.split("\n").find((entry) => entry.startsWith(series));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

/**
 * A room a user of `owner` creates with `target`'s bot in it: where a forger speaks to that bot.
 * The bot joins ordinary invites by itself but gives up on a refusal, and a join right after the
 * invite can race it over federation, so here it is made to join until it is in.
 */
export async function roomWithBot(
  owner: Info,
  token: string,
  target: Info,
  timeoutMs: number,
): Promise<string> {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    owner.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    { token, body: { preset: "private_chat", invite: [bot(target)] } },
  );
  await eventually(
    async () => {
      await asBot(
        target,
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(owner.serverName)}`,
        {},
      );
      const { joined } = await matrixRequest<{ joined: Record<string, unknown> }>(
        owner.publicUrl,
        "GET",
        `${roomPath(roomId)}/joined_members`,
        { token },
      );
      return bot(target) in joined ? true : undefined;
    },
    `${bot(target)} to join a room of ${owner.serverName}`,
    timeoutMs,
  );
  return roomId;
}
