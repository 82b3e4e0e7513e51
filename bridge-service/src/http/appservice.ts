import express, { Router } from "express";
import { z } from "zod";
import type { ReceiveTransaction } from "../domain/appserviceTransactions.js";
import type { AppserviceTransaction } from "../matrix/events.js";
import { MatrixError, parseBody } from "./errors.js";
import { requireHsToken } from "./hsTokenAuth.js";

/** Homeservers batch many events per transaction; everything else is small. */
export const TRANSACTION_BODY_LIMIT = "20mb";
export const DEFAULT_BODY_LIMIT = "1mb";

const jsonObject = z.record(z.string(), z.unknown());

// Unknown fields are kept: homeservers add fields (unsigned, MSC extensions) freely.
const clientEventSchema = z.looseObject({
  type: z.string(),
  room_id: z.string(),
  sender: z.string(),
  event_id: z.string(),
  content: jsonObject,
  state_key: z.string().optional(),
  origin_server_ts: z.number().optional(),
});

const ephemeralEventSchema = z.looseObject({
  type: z.string(),
  content: jsonObject,
  room_id: z.string().optional(),
});

const transactionSchema = z.looseObject({
  events: z.array(clientEventSchema),
  ephemeral: z.array(ephemeralEventSchema).optional(),
  "de.sorunome.msc2409.ephemeral": z.array(ephemeralEventSchema).optional(),
});

const pingSchema = z.looseObject({ transaction_id: z.string().optional() });

const txnIdSchema = z.string().min(1).max(255);

export interface AppserviceRouterDeps {
  hsToken: string;
  receiveTransaction: ReceiveTransaction;
}

/** The application service API (Matrix spec, AS API v1), mounted at /_matrix/app/v1. */
export function appserviceRouter({ hsToken, receiveTransaction }: AppserviceRouterDeps): Router {
  const router = Router();
  // Authenticate before parsing, so unauthenticated callers cannot make us read 20 MiB.
  router.use(requireHsToken(hsToken));

  router.put(
    "/transactions/:txnId",
    express.json({ limit: TRANSACTION_BODY_LIMIT }),
    async (req, res) => {
      const txnId = txnIdSchema.safeParse(req.params.txnId);
      if (!txnId.success) throw new MatrixError(400, "M_INVALID_PARAM", "Invalid transaction id");
      const body = parseBody(transactionSchema, req.body);
      const transaction: AppserviceTransaction = {
        events: body.events,
        // Synapse sends the stable key, the unstable one, or both with the same events.
        ephemeral: body.ephemeral ?? body["de.sorunome.msc2409.ephemeral"] ?? [],
      };
      await receiveTransaction(txnId.data, transaction);
      res.json({});
    },
  );

  router.use(express.json({ limit: DEFAULT_BODY_LIMIT }));

  const ping: express.RequestHandler = (req, res) => {
    const body = req.method === "POST" && req.body !== undefined ? pingSchema.parse(req.body) : {};
    req.log.info({ transactionId: body.transaction_id }, "homeserver ping");
    res.json({});
  };
  router.post("/ping", ping);
  router.get("/ping", ping);

  // The bridge creates no users or rooms on demand (yet).
  router.get("/users/:userId", () => {
    throw new MatrixError(404, "M_NOT_FOUND", "No such user");
  });
  router.get("/rooms/:alias", () => {
    throw new MatrixError(404, "M_NOT_FOUND", "No such room alias");
  });

  return router;
}
