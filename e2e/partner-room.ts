// The bot's partner room for two learners, reached as a learner would: one sends a partner
// request through /api, the other accepts it, and both join the direct room the bot makes.
import { expect } from "vitest";
import type { StackInfo } from "./harness.ts";
import type { Learner } from "./learners.ts";
import { eventually, matrixRequest } from "./matrix.ts";

/** Resolves with the room id once both learners have joined it. */
export async function joinedPartnerRoom(
  stack: StackInfo,
  asker: Learner,
  accepter: Learner,
): Promise<string> {
  const sent = await asker.session.request<{ request: { id: string } }>(
    "POST",
    "/api/partners/requests",
    { user_id: accepter.matrix.userId },
  );
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  const accepted = await accepter.session.request<{ partner: { room_id: string | null } }>(
    "POST",
    `/api/partners/requests/${sent.body.request.id}/accept`,
  );
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  // The room id is null for a moment while the bot creates the room.
  const roomId =
    accepted.body.partner.room_id ??
    (await eventually(async () => {
      const listed = await accepter.session.request<{
        partners: { user_id: string; room_id: string | null }[];
      }>("GET", "/api/partners");
      const partner = listed.body.partners.find((p) => p.user_id === asker.matrix.userId);
      return partner?.room_id ?? undefined;
    }, "the partner room"));
  // The bot's invite reaches the homeserver just after the room exists.
  for (const learner of [asker, accepter]) {
    await eventually(
      () =>
        matrixRequest(
          stack.publicUrl,
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
          { token: learner.matrix.accessToken, body: {} },
        ),
      `${learner.displayName} to join the partner room`,
    );
  }
  return roomId;
}
