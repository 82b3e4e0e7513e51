import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { createTransactionReceiver } from "./domain/appserviceTransactions.js";
import { appserviceRouter, DEFAULT_BODY_LIMIT } from "./http/appservice.js";
import { matrixErrorHandler, unrecognizedRoute } from "./http/errors.js";
import { healthRouter } from "./http/health.js";
import { assignRequestId } from "./http/requestId.js";
import { type Logger, redactUrl } from "./logger.js";
import type { AppserviceEvents } from "./matrix/appserviceEvents.js";
import type { TransactionStore } from "./store/transactionStore.js";

export interface AppDeps {
  logger: Logger;
  /** The registration's hs_token, which the homeserver presents on every appservice call. */
  hsToken: string;
  /** Resolves if the database answers, rejects otherwise. */
  checkDatabase: () => Promise<void>;
  transactions: TransactionStore;
  /** Committed appservice events are published here (the bot subscribes). */
  events: AppserviceEvents;
  now?: () => Date;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: assignRequestId,
      serializers: {
        req: (req: { url?: string }) => {
          if (typeof req.url === "string") req.url = redactUrl(req.url);
          return req;
        },
      },
      customLogLevel: (req, res, error) => {
        if (error || res.statusCode >= 500) return "error";
        if (res.statusCode >= 400) return "warn";
        // Health probes run every few seconds; keep them out of info logs.
        return req.url === "/healthz" ? "debug" : "info";
      },
    }),
  );
  app.use(helmet());

  app.use(healthRouter(deps.checkDatabase));
  app.use(
    "/_matrix/app/v1",
    appserviceRouter({
      hsToken: deps.hsToken,
      receiveTransaction: createTransactionReceiver({
        store: deps.transactions,
        events: deps.events,
        logger: deps.logger,
        now: deps.now,
      }),
    }),
  );

  // Routers added later (/api, /get_token) get the default cap.
  app.use(express.json({ limit: DEFAULT_BODY_LIMIT }));

  app.use(unrecognizedRoute);
  app.use(matrixErrorHandler);
  return app;
}
