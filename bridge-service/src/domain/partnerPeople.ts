// How partner operations name people: user-id checks and the views of people, requests and
// partnerships that the API and the bot show.
import type { PartnerRequestRecord, PartnershipRecord } from "../store/partnerStore.js";
import { isMatrixUserId } from "./matrixIds.js";
import type {
  PartnerContext,
  PartnerRequestView,
  PartnershipView,
  PersonView,
} from "./partnerContext.js";
import type { Profile } from "./profiles.js";
import { Refusal } from "./refusal.js";

export const localpartOf = (userId: string) => userId.slice(1).split(":")[0] ?? userId;

export function requireUserId(userId: string, field: string): void {
  if (!isMatrixUserId(userId)) {
    throw new Refusal(
      "invalid_user_id",
      `"${userId}" is not a Matrix user id like @ana:example.org.`,
      {
        field,
      },
    );
  }
}

export async function peopleByUserId(
  ctx: PartnerContext,
  userIds: Iterable<string>,
): Promise<Map<string, Profile | undefined>> {
  const unique = [...new Set(userIds)];
  const profiles = await Promise.all(
    unique.map(
      async (userId) =>
        (await ctx.profiles.get(userId)) ?? (await ctx.orgRequests?.personOf(userId)),
    ),
  );
  return new Map(unique.map((userId, i) => [userId, profiles[i]]));
}

function personView(userId: string, profile: Profile | undefined): PersonView {
  const view: PersonView = { userId, displayName: profile?.displayName || localpartOf(userId) };
  // A partner organisation's learner (OrgRequests.personOf) is named with their organisation.
  if (profile && "organisation" in profile && typeof profile.organisation === "string") {
    view.organisation = profile.organisation;
  }
  return view;
}

export function requestView(
  record: PartnerRequestRecord,
  people: Map<string, Profile | undefined>,
): PartnerRequestView {
  return {
    id: record.id,
    requester: personView(record.requester, people.get(record.requester)),
    recipient: personView(record.recipient, people.get(record.recipient)),
    status: record.status,
    createdAt: record.createdAt,
    decidedAt: record.decidedAt,
  };
}

export function partnershipView(
  record: PartnershipRecord,
  userId: string,
  people: Map<string, Profile | undefined>,
): PartnershipView {
  const partnerId = record.users[0] === userId ? record.users[1] : record.users[0];
  const profile = people.get(partnerId);
  return {
    partner: {
      ...personView(partnerId, profile),
      native: profile?.native ?? [],
      learning: profile?.learning ?? [],
    },
    roomId: record.roomId,
    since: record.createdAt,
  };
}
