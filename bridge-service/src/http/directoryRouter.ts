import { type PartnerVisibilityJson, partnerVisibilityInputSchema } from "@xstream/contract";
import express, { type Response, Router } from "express";
import { matrixUserIdOf } from "../domain/accounts.js";
import type { AuthContext } from "../domain/authContext.js";
import {
  type DirectoryContext,
  partnerVisibility,
  setPartnerVisibility,
} from "../domain/directory.js";
import { parseBody } from "./errors.js";
import { requireSession, sessionOf } from "./sessionAuth.js";

export interface DirectoryRouterDeps {
  auth: AuthContext;
  directory: DirectoryContext;
}

/** /api/profile/partner-organisations: the learner's opt-in to the partner directory. */
export function directoryRouter({ auth, directory }: DirectoryRouterDeps): Router {
  const router = Router();
  const session = requireSession(auth);
  const signedInUser = (res: Response) =>
    matrixUserIdOf(sessionOf(res).account.username, auth.settings.serverName);
  const answer = (visible: boolean): PartnerVisibilityJson => ({
    visible,
    partner_organisations: [...directory.partners],
  });

  router.use("/profile/partner-organisations", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  router.get("/profile/partner-organisations", session, async (_req, res) => {
    res.json(answer(await partnerVisibility(directory, signedInUser(res))));
  });
  router.put(
    "/profile/partner-organisations",
    express.json({ limit: "16kb" }),
    session,
    async (req, res) => {
      const { visible } = parseBody(partnerVisibilityInputSchema, req.body);
      res.json(answer(await setPartnerVisibility(directory, signedInUser(res), visible)));
    },
  );
  return router;
}
