import cookieParser from "cookie-parser";
import express, { type Express } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import type { TrustProxy } from "./config.js";
import {
  createTransactionReceiver,
  type ReceiveTransaction,
} from "./domain/appserviceTransactions.js";
import { type AuthContext, passwordAttemptsOf } from "./domain/authContext.js";
import type { DirectoryContext } from "./domain/directory.js";
import type { PartnerContext } from "./domain/partnerContext.js";
import type { CallTokenContext } from "./domain/rtcTokensIssuer.js";
import type { WidgetExchangeContext } from "./domain/widgetExchange.js";
import { appserviceRouter, DEFAULT_BODY_LIMIT } from "./http/appservice.js";
import { authRouter } from "./http/authRouter.js";
import { directoryRouter } from "./http/directoryRouter.js";
import { type EmailSettings, emailApiRouter, emailUnsubscribeRouter } from "./http/emailRouter.js";
import { matrixErrorHandler, unrecognizedRoute } from "./http/errors.js";
import { healthRouter } from "./http/health.js";
import { loginGatewayRouter } from "./http/loginGateway.js";
import { methodNotAllowed } from "./http/methodNotAllowed.js";
import { docsRouter, documentedMethods } from "./http/openapi.js";
import { corsAllowList, refuseCrossSiteWrites } from "./http/originPolicy.js";
import { partnersRouter } from "./http/partnersRouter.js";
import { type PushSettings, pushApiRouter, pushGatewayRouter } from "./http/pushRouter.js";
import { assignRequestId } from "./http/requestId.js";
import { rtcRouter } from "./http/rtcRouter.js";
import { cookiesAreSecure } from "./http/sessionCookies.js";
import { widgetRouter } from "./http/widgetRouter.js";
import { type Logger, redactUrl } from "./logger.js";
import type { AppserviceEvents } from "./matrix/appserviceEvents.js";
import type { ClientEvent } from "./matrix/events.js";
import type { LoginRelay } from "./matrix/loginRelay.js";
import type { BridgeMetrics } from "./metrics/bridgeMetrics.js";
import { measuredTransactions, requestDurations } from "./metrics/httpMetrics.js";
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
  /** Events that must be handled even across a crash (kept in the inbox until they are). */
  mustHandle?: (event: ClientEvent) => boolean;
  /** Accounts, sessions and Synapse login tokens. */
  auth: AuthContext;
  /** Profiles, matching, requests, partners, blocks and reports. */
  partners: PartnerContext;
  /** The partner directory's opt-in (absent in tests that do not need it). */
  directory?: DirectoryContext;
  /** Origin learners open (PUBLIC_URL); decides whether cookies are Secure. */
  publicUrl: string;
  /** Origins allowed to use /api from a browser (CORS and the CSRF check). */
  allowedOrigins: readonly string[];
  /** Passes Matrix /login requests on to the homeserver. */
  relayLogin: LoginRelay;
  /** The MatrixRTC LiveKit token service (/get_token, /sfu/get); left out by tests of other parts. */
  rtc?: CallTokenContext;
  /** The exchange panel's POST /api/widget/exchange; left out by tests of other parts. */
  widget?: WidgetExchangeContext;
  /** Web Push (the push gateway and /api/push); undefined without VAPID keys. */
  push?: PushSettings;
  /** The bridge's partner mails (settings, unsubscribe links); undefined without SMTP. */
  email?: EmailSettings;
  /** Express `trust proxy`: which hops' X-Forwarded-For to believe. */
  trustProxy?: TrustProxy;
  /** Request durations and appservice transactions are recorded here when given. */
  metrics?: BridgeMetrics;
  now?: () => Date;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // req.ip (rate limits, the address passed to Synapse) is the client's only if the proxies in
  // front are trusted and nothing else is.
  app.set("trust proxy", deps.trustProxy ?? "loopback");

  if (deps.metrics) app.use(requestDurations(deps.metrics));
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
  // Before helmet: Synapse's answers are relayed with Synapse's own headers (CORS included),
  // since Element and other clients on any origin log in here.
  app.use(
    loginGatewayRouter({
      loginTokens: deps.auth.loginTokens,
      synapseLoginToken: deps.auth.settings.synapseLoginToken,
      relay: deps.relayLogin,
      passwordAttempts: passwordAttemptsOf(deps.auth),
      serverName: deps.auth.settings.serverName,
      now: deps.auth.now,
    }),
  );

  app.use(helmet());
  const metrics = deps.metrics;
  const measured = (receive: ReceiveTransaction) =>
    metrics ? measuredTransactions(receive, metrics) : receive;

  // GET /healthz is also the token service's health check (lk-jwt-service has one there too).
  app.use(healthRouter(deps.checkDatabase));
  if (deps.rtc) app.use(rtcRouter(deps.rtc));
  app.use(pushGatewayRouter(deps.push));
  app.use(
    "/_matrix/app/v1",
    appserviceRouter({
      hsToken: deps.hsToken,
      receiveTransaction: measured(
        createTransactionReceiver({
          store: deps.transactions,
          events: deps.events,
          logger: deps.logger,
          now: deps.now,
          mustHandle: deps.mustHandle,
        }),
      ),
    }),
  );

  // Before /api's CSRF check: mail clients POST one-click unsubscribes from anywhere.
  app.use("/api/email/unsubscribe", emailUnsubscribeRouter(deps.email));
  const api = express.Router();
  api.use(corsAllowList(deps.allowedOrigins));
  api.use(refuseCrossSiteWrites(deps.allowedOrigins));
  api.use(cookieParser());
  api.use(docsRouter(deps.publicUrl));
  api.use(
    "/auth",
    authRouter({
      auth: deps.auth,
      publicUrl: deps.publicUrl,
      secureCookies: cookiesAreSecure(deps.publicUrl),
    }),
  );
  // Before partnersRouter, whose body parser would otherwise take this route's bodies first.
  api.use(widgetRouter(deps.widget));
  if (deps.directory) api.use(directoryRouter({ auth: deps.auth, directory: deps.directory }));
  api.use(partnersRouter({ auth: deps.auth, partners: deps.partners }));
  api.use(pushApiRouter(deps.auth, deps.push));
  api.use(emailApiRouter(deps.auth, deps.email));
  app.use("/api", api);

  // Routers added later get the default cap.
  app.use(express.json({ limit: DEFAULT_BODY_LIMIT }));

  app.use(methodNotAllowed(documentedMethods()));
  app.use(unrecognizedRoute);
  app.use(matrixErrorHandler);
  return app;
}
