import {
  type PartnerJson,
  type PartnerRequestJson,
  type ProfileJson,
  profileInputSchema,
  type ReportJson,
  reportRequestSchema,
  type SuggestionJson,
  suggestionsQuerySchema,
  userTargetSchema,
} from "@xstream/contract";
import express, { type Response, Router } from "express";
import { z } from "zod";
import { matrixUserIdOf } from "../domain/accounts.js";
import type { AuthContext } from "../domain/authContext.js";
import { languageCatalogue, languageName } from "../domain/languages.js";
import type { Suggestion } from "../domain/matching.js";
import type {
  PartnerContext,
  PartnerRequestView,
  PartnershipView,
  ReportView,
} from "../domain/partnerContext.js";
import {
  acceptRequest,
  blockUser,
  declineRequest,
  findPartners,
  getProfile,
  listBlocks,
  listPartners,
  listReports,
  listRequests,
  reportUser,
  requestPartner,
  saveProfile,
  unblockUser,
} from "../domain/partners.js";
import type { Profile, ProfileInput } from "../domain/profiles.js";
import { parseBody } from "./errors.js";
import { requireRole, requireSession, sessionOf } from "./sessionAuth.js";

/**
 * Profiles are small, but an over-long list should get the domain's clear "at most 20
 * interests" (400, naming the field) rather than a bare 413.
 */
export const PROFILE_BODY_LIMIT = "1mb";

export function profileJson(profile: Profile): ProfileJson {
  const codes = [...profile.native, ...profile.learning.map((entry) => entry.language)];
  return {
    user_id: profile.userId,
    display_name: profile.displayName,
    native: profile.native,
    learning: profile.learning,
    interests: profile.interests,
    timezone: profile.timezone,
    availability: profile.availability,
    bio: profile.bio,
    discoverable: profile.discoverable,
    languages: Object.fromEntries(codes.map((code) => [code, languageName(code)])),
    updated_at: profile.updatedAt.toISOString(),
  };
}

function suggestionJson(suggestion: Suggestion): SuggestionJson {
  return {
    user_id: suggestion.userId,
    display_name: suggestion.displayName,
    score: suggestion.score,
    summary: suggestion.summary,
    reasons: suggestion.reasons,
    online: suggestion.online,
    teaches: suggestion.teaches,
    learns: suggestion.learns,
    learns_level: suggestion.learnsLevel,
    overlap_minutes_per_week: Math.round(suggestion.overlapMinutesPerWeek),
    shared_interests: suggestion.sharedInterests,
    profile: profileJson(suggestion.profile),
    organisation: suggestion.organisation ?? null,
  };
}

const personJson = (person: PartnerRequestView["requester"]) => ({
  user_id: person.userId,
  display_name: person.displayName,
  ...(person.organisation ? { organisation: person.organisation } : {}),
});

function requestJson(request: PartnerRequestView): PartnerRequestJson {
  return {
    id: request.id,
    requester: personJson(request.requester),
    recipient: personJson(request.recipient),
    status: request.status,
    created_at: request.createdAt.toISOString(),
    decided_at: request.decidedAt?.toISOString() ?? null,
  };
}

function partnerJson(partnership: PartnershipView): PartnerJson {
  return {
    user_id: partnership.partner.userId,
    display_name: partnership.partner.displayName,
    room_id: partnership.roomId,
    since: partnership.since.toISOString(),
    native: partnership.partner.native,
    learning: partnership.partner.learning,
  };
}

function reportJson(report: ReportView): ReportJson {
  return {
    id: report.id,
    reporter: report.reporter,
    reported: report.reported,
    reason: report.reason,
    event_ids: report.eventIds,
    room_id: report.roomId ?? null,
    created_at: report.createdAt.toISOString(),
  };
}

const pathUserSchema = z.string().min(1).max(255);

export interface PartnersRouterDeps {
  auth: AuthContext;
  partners: PartnerContext;
}

/**
 * /api: language profiles, partner suggestions and requests, partners, blocks and reports for
 * the signed-in web-client user. The bot calls the same domain functions.
 */
export function partnersRouter({ auth, partners }: PartnersRouterDeps): Router {
  const router = Router();
  const session = requireSession(auth);
  const signedInUser = (res: Response) =>
    matrixUserIdOf(sessionOf(res).account.username, auth.settings.serverName);

  router.get("/languages", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=86400");
    res.json({ languages: languageCatalogue() });
  });

  router.use(["/profile", "/partners", "/blocks", "/reports"], (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  router.use(express.json({ limit: PROFILE_BODY_LIMIT }));

  router.get("/profile", session, async (_req, res) => {
    const profile = await getProfile(partners, signedInUser(res));
    res.json({ profile: profile ? profileJson(profile) : null });
  });

  router.put("/profile", session, async (req, res) => {
    const input: ProfileInput = parseBody(profileInputSchema, req.body) as ProfileInput;
    const profile = await saveProfile(partners, signedInUser(res), input, {
      displayName: sessionOf(res).account.displayName,
    });
    res.json({ profile: profileJson(profile) });
  });

  router.get("/partners/suggestions", session, async (req, res) => {
    const { limit } = suggestionsQuerySchema.parse(req.query);
    const suggestions = await findPartners(partners, signedInUser(res), { limit });
    res.json({ suggestions: suggestions.map(suggestionJson) });
  });

  router.get("/partners/requests", session, async (_req, res) => {
    const { incoming, outgoing } = await listRequests(partners, signedInUser(res));
    res.json({ incoming: incoming.map(requestJson), outgoing: outgoing.map(requestJson) });
  });

  router.post("/partners/requests", session, async (req, res) => {
    const { user_id } = parseBody(userTargetSchema, req.body);
    const { request, partnership } = await requestPartner(partners, signedInUser(res), user_id);
    res.status(partnership ? 200 : 201).json({
      request: requestJson(request),
      ...(partnership ? { partner: partnerJson(partnership) } : {}),
    });
  });

  router.post("/partners/requests/:id/accept", session, async (req, res) => {
    const partnership = await acceptRequest(partners, signedInUser(res), String(req.params.id));
    res.json({ partner: partnerJson(partnership) });
  });

  router.post("/partners/requests/:id/decline", session, async (req, res) => {
    const request = await declineRequest(partners, signedInUser(res), String(req.params.id));
    res.json({ request: requestJson(request) });
  });

  router.get("/partners", session, async (_req, res) => {
    const partnerships = await listPartners(partners, signedInUser(res));
    res.json({ partners: partnerships.map(partnerJson) });
  });

  router.get("/blocks", session, async (_req, res) => {
    const blocks = await listBlocks(partners, signedInUser(res));
    res.json({
      blocks: blocks.map((block) => ({
        user_id: block.blocked,
        created_at: block.createdAt.toISOString(),
      })),
    });
  });

  router.post("/blocks", session, async (req, res) => {
    const { user_id } = parseBody(userTargetSchema, req.body);
    await blockUser(partners, signedInUser(res), user_id);
    res.json({});
  });

  router.delete("/blocks/:user", session, async (req, res) => {
    await unblockUser(partners, signedInUser(res), pathUserSchema.parse(req.params.user));
    res.json({});
  });

  router.post("/reports", session, async (req, res) => {
    const body = parseBody(reportRequestSchema, req.body);
    const report = await reportUser(partners, signedInUser(res), {
      userId: body.user_id,
      reason: body.reason,
      eventIds: body.event_ids,
      roomId: body.room_id,
    });
    res.status(201).json({ report: reportJson(report) });
  });

  router.get("/reports", requireRole(auth, "moderator"), async (_req, res) => {
    const reports = await listReports(partners);
    res.json({ reports: reports.map(reportJson) });
  });

  return router;
}
