import { createServer, type Server } from "node:http";
import type pg from "pg";
import { createApp } from "./app.js";
import { botActsOn, startBot } from "./bot/bot.js";
import { createDirectoryMatrix } from "./bot/directoryMatrix.js";
import { createOrgRequestMatrix } from "./bot/directoryRequestsMatrix.js";
import { createOrgRequestService } from "./bot/directoryRequestsService.js";
import { createDirectoryService, isDirectoryInvite } from "./bot/directoryService.js";
import { answerPartnerBotJoins } from "./bot/partnerBotJoins.js";
import { createPartnerMatrix } from "./bot/partnerMatrix.js";
import { createPartnerNoticeSender } from "./bot/partnerNotices.js";
import { createPolicyMatrix } from "./bot/policyMatrix.js";
import { createPolicyService } from "./bot/policyService.js";
import { type BridgeConfig, ConfigError, loadConfig } from "./config.js";
import { applyBootstrapAdmin } from "./domain/accounts.js";
import { createInbox, type Inbox } from "./domain/appserviceTransactions.js";
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_TTL_MS,
  type AuthContext,
  type AuthSettings,
  DAY_MS,
  passwordAttemptsOf,
  REFRESH_TOKEN_TTL_MS,
  SYNAPSE_LOGIN_TOKEN_TTL_MS,
} from "./domain/authContext.js";
import { type DirectoryContext, publishLearner, remoteLearners } from "./domain/directory.js";
import {
  claimRequestRoom,
  type OrgRequestContext,
  orgRequests,
} from "./domain/directoryRequests.js";
import type { PartnerContext } from "./domain/partnerContext.js";
import { createPartnerNoticeOutbox, startPartnerNoticeSweep } from "./domain/partnerNotices.js";
import { createMissingPartnerRooms, publishPendingProfiles } from "./domain/partners.js";
import { passwordFailurePolicy, prunePasswordFailures } from "./domain/passwordFailures.js";
import { bannedUsersOf } from "./domain/policyList.js";
import { startPruningHandledIds } from "./domain/pruning.js";
import { authRateLimitRules } from "./domain/rateLimits.js";
import { repeatEvery } from "./domain/repeatEvery.js";
import {
  CALL_TOKEN_UPSTREAM_TIMEOUT_MS,
  type CallTokenContext,
  callTokenRateLimitRule,
} from "./domain/rtcTokensIssuer.js";
import { pruneExpiredAuthState } from "./domain/sessions.js";
import { createBridgeEmail } from "./email/emailSetup.js";
import type { PushSettings } from "./http/pushRouter.js";
import { createLiveKitServer } from "./livekit/liveKitServer.js";
import { createLogger, type Logger } from "./logger.js";
import { AppserviceEvents } from "./matrix/appserviceEvents.js";
import { createHomeserverClient, type HomeserverClient } from "./matrix/homeserver.js";
import { createLoginRelay } from "./matrix/loginRelay.js";
import { createOpenIdVerifier } from "./matrix/openIdUserInfo.js";
import { createOutboundFetch } from "./matrix/outboundHttp.js";
import { createSynapseAdmin } from "./matrix/synapseAdmin.js";
import { createBridgeMetrics } from "./metrics/bridgeMetrics.js";
import { startEventLoopGuard } from "./metrics/eventLoopGuard.js";
import { createMetricsServer } from "./metrics/metricsServer.js";
import { createWebPushSender } from "./push/webPushSender.js";
import { createPgAccountStore } from "./store/pg/accountStore.js";
import { createPgBotStore } from "./store/pg/botStore.js";
import { checkDatabase, createPool, waitForDatabase } from "./store/pg/database.js";
import { createPgDirectoryStore } from "./store/pg/directoryStore.js";
import { createPgLoginTokenStore } from "./store/pg/loginTokenStore.js";
import { runMigrations } from "./store/pg/migrations.js";
import { createPgOrgRequestStore } from "./store/pg/orgRequestStore.js";
import { createPgPartnerNoticeStore } from "./store/pg/partnerNoticeStore.js";
import { createPgPartnerStore } from "./store/pg/partnerStore.js";
import { createPgPasswordFailureStore } from "./store/pg/passwordFailureStore.js";
import { createPgPolicyStore } from "./store/pg/policyStore.js";
import { createPgProfileStore } from "./store/pg/profileStore.js";
import { createPgPruningStore } from "./store/pg/pruningStore.js";
import { createPgPushSubscriptionStore } from "./store/pg/pushSubscriptionStore.js";
import { createPgRateLimitStore } from "./store/pg/rateLimitStore.js";
import { createPgSessionStore } from "./store/pg/sessionStore.js";
import { createPgTransactionStore } from "./store/pg/transactionStore.js";
import { backfillPartnerRoomWidgets, createWidgetExchangeContext } from "./widget/widgetSetup.js";

/** How long in-flight requests get to finish after SIGTERM/SIGINT before connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often expired refresh tokens, login-token ids and rate-limit windows are deleted. */
const PRUNE_INTERVAL_MS = 10 * 60_000;
/** How often Matrix work that failed earlier (profile fields, partner rooms) is retried. */
const MATRIX_CATCH_UP_INTERVAL_MS = 30_000;
/**
 * How often the inbox is swept for commands nobody is handling: those a replica (this one before a
 * restart, or another) accepted and died before answering.
 */
const INBOX_SWEEP_INTERVAL_MS = 2_000;
const BOT_DISPLAY_NAME = "Xstream";

function authSettingsFrom(config: BridgeConfig): AuthSettings {
  return {
    serverName: config.matrix.serverName,
    accessToken: {
      secret: config.auth.sessionSecret,
      issuer: config.publicUrl,
      audience: ACCESS_TOKEN_AUDIENCE,
      ttlMs: ACCESS_TOKEN_TTL_MS,
    },
    refreshTokenTtlMs: REFRESH_TOKEN_TTL_MS,
    sessionMaxLifetimeMs: config.auth.sessionMaxLifetimeDays * DAY_MS,
    synapseLoginToken: {
      secret: config.synapse.jwtSecret,
      issuer: config.synapse.jwtIssuer,
      audience: config.synapse.jwtAudience,
      ttlMs: SYNAPSE_LOGIN_TOKEN_TTL_MS,
    },
    rateLimits: authRateLimitRules(config.auth.rateLimits),
    passwordPolicy: passwordFailurePolicy(config.auth.rateLimits),
  };
}

function createAuthContext(config: BridgeConfig, pool: pg.Pool, logger: Logger): AuthContext {
  return {
    accounts: createPgAccountStore(pool),
    sessions: createPgSessionStore(pool),
    loginTokens: createPgLoginTokenStore(pool),
    rateLimits: createPgRateLimitStore(pool),
    passwordFailures: createPgPasswordFailureStore(pool),
    synapse: createSynapseAdmin({
      homeserverUrl: config.matrix.homeserverUrl,
      registrationSharedSecret: config.synapse.registrationSharedSecret,
    }),
    settings: authSettingsFrom(config),
    now: () => new Date(),
    logger: logger.child({ component: "auth" }),
  };
}

function createCallTokenContext(
  config: BridgeConfig,
  auth: AuthContext,
  logger: Logger,
): CallTokenContext {
  return {
    ownServerName: config.matrix.serverName,
    allowedHomeservers: config.rtc.allowedHomeservers,
    openId: createOpenIdVerifier({
      ownServerName: config.matrix.serverName,
      ownHomeserverUrl: config.matrix.homeserverUrl,
      timeoutMs: CALL_TOKEN_UPSTREAM_TIMEOUT_MS,
      remoteFetch: createOutboundFetch({
        allowPrivateAddresses: config.rtc.allowPrivateAddresses,
        timeoutMs: CALL_TOKEN_UPSTREAM_TIMEOUT_MS,
      }),
    }),
    // Synapse's admin API sees every room's members, even rooms the bot is not in.
    members: auth.synapse,
    liveKit: createLiveKitServer({
      url: config.livekit.url,
      apiKey: config.livekit.apiKey,
      apiSecret: config.livekit.apiSecret,
      timeoutMs: CALL_TOKEN_UPSTREAM_TIMEOUT_MS,
    }),
    rateLimits: auth.rateLimits,
    rateLimit: callTokenRateLimitRule(config.rtc.tokensPerIpPerMinute),
    membershipTimeoutMs: CALL_TOKEN_UPSTREAM_TIMEOUT_MS,
    now: () => new Date(),
    logger: logger.child({ component: "rtc-tokens" }),
  };
}

/**
 * Periodic clean-up of expired auth state; a failed round is logged and retried next time.
 * Handled ids (the bot's answers, transaction ids…) go in domain/pruning.ts, one replica a turn.
 */
function startPruning(auth: AuthContext, logger: Logger): () => void {
  const prune = () =>
    Promise.all([
      pruneExpiredAuthState(auth),
      prunePasswordFailures(passwordAttemptsOf(auth)),
    ]).then(
      ([pruned, passwordFailures]) =>
        logger.debug({ pruned, passwordFailures }, "pruned expired auth state"),
      (error: unknown) => logger.warn({ err: error }, "pruning expired auth state failed"),
    );
  void prune();
  const timer = setInterval(prune, PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Commands and invites accepted but left unanswered (by an earlier run of this replica, or by
 * another that died): at start-up, then every few seconds. Replicas share the work room by room.
 */
function startInboxSweep(inbox: Inbox, logger: Logger): () => void {
  return repeatEvery(
    INBOX_SWEEP_INTERVAL_MS,
    async () => {
      const handled = await inbox.sweep();
      if (handled) logger.info({ handled }, "handled commands left unanswered");
    },
    (error) => logger.warn({ err: error }, "sweeping the bot's inbox failed"),
  );
}

/**
 * Retries Matrix side effects whose first attempt failed (Synapse restarting, say): PostgreSQL
 * holds what was accepted, this makes Matrix catch up. Runs at start-up and then periodically.
 */
function startMatrixCatchUp(
  partners: PartnerContext,
  bot: { homeserver: HomeserverClient; userId: string },
  logger: Logger,
): () => void {
  let botNamed = false;
  return repeatEvery(
    MATRIX_CATCH_UP_INTERVAL_MS,
    async () => {
      // Clients show "Xstream" instead of the bare @xstream:server id.
      if (!botNamed) {
        botNamed = await bot.homeserver.setBotDisplayName(bot.userId, BOT_DISPLAY_NAME).then(
          () => true,
          (error: unknown) => {
            logger.warn({ err: error }, "naming the bot failed; retrying later");
            return false;
          },
        );
      }
      const published = await publishPendingProfiles(partners);
      const rooms = await createMissingPartnerRooms(partners);
      if (published || rooms) logger.info({ published, rooms }, "caught up with Matrix");
    },
    (error) => logger.warn({ err: error }, "catching up with Matrix failed; retrying later"),
  );
}

/** Web Push, if VAPID keys are configured; the keys themselves are never logged. */
function createPushSettings(
  config: BridgeConfig,
  pool: pg.Pool,
  logger: Logger,
): PushSettings | undefined {
  const { vapid } = config.push;
  if (!vapid) {
    logger.info("Web Push is off: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not set");
    return undefined;
  }
  return {
    context: {
      subscriptions: createPgPushSubscriptionStore(pool),
      sender: createWebPushSender({
        vapid,
        fetch: createOutboundFetch({
          allowPrivateAddresses: config.rtc.allowPrivateAddresses,
        }),
      }),
      now: () => new Date(),
      logger: logger.child({ component: "web-push" }),
    },
    vapidPublicKey: vapid.publicKey,
    gatewayUrl: config.push.gatewayUrl,
    allowInsecureEndpoints: config.rtc.allowPrivateAddresses,
  };
}

function readConfig(): BridgeConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // Plain stderr: the logger's level is itself configuration.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** How long Caddy's reverse proxy keeps an idle upstream connection (its default, 2 min). */
const EDGE_KEEPALIVE_MS = 120_000;

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Delays between start-up pings while Synapse comes up (it often starts after us). */
const HOMESERVER_PING_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/**
 * Pings the homeserver, which pings us back with our tokens, until both directions work; then
 * resolves. A wrong registration keeps failing, so each failure is logged (once the homeserver
 * answers at all, the reason says which side is wrong). Never rejects.
 */
async function waitForHomeserver(homeserver: HomeserverClient, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { durationMs } = await homeserver.pingHomeserver(`startup-${Date.now()}`);
      logger.info({ durationMs }, "homeserver ping round-trip ok");
      return;
    } catch (error) {
      // Usually "connection refused" while Synapse starts: one readable line, no stack.
      const reason =
        error instanceof Error
          ? [error.message, error.cause instanceof Error ? error.cause.message : undefined]
              .filter(Boolean)
              .join(": ")
          : String(error);
      const delay =
        HOMESERVER_PING_DELAYS_MS[Math.min(attempt, HOMESERVER_PING_DELAYS_MS.length - 1)];
      logger[attempt < 3 ? "debug" : "warn"](
        { reason, retryInMs: delay },
        "homeserver ping failed: Synapse may not be up yet, or its appservice registration (url, tokens) does not match this bridge",
      );
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);

  // A stray rejection (e.g. in a background task) is a bug to log, not a reason to drop every
  // in-flight request. Synchronous uncaught exceptions still end the process (Node's default).
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled promise rejection");
  });

  const metrics = createBridgeMetrics();
  const stopEventLoopGuard = startEventLoopGuard({
    metrics,
    logger: logger.child({ component: "event-loop" }),
  });

  const pool = createPool(config.databaseUrl, logger);
  await waitForDatabase(pool, logger);
  const applied = await runMigrations(pool, logger);
  logger.info({ applied }, applied.length ? "database migrated" : "database schema up to date");

  const homeserver = createHomeserverClient({
    homeserverUrl: config.matrix.homeserverUrl,
    asToken: config.matrix.asToken,
    appserviceId: config.matrix.appserviceId,
  });
  const events = new AppserviceEvents((error, name) =>
    logger.error({ err: error, bus: name }, "appservice event listener failed"),
  );
  const auth = createAuthContext(config, pool, logger);
  const botStore = createPgBotStore(pool);
  const email = createBridgeEmail(config, pool, auth.synapse, logger);
  const profiles = createPgProfileStore(pool);
  const policyStore = createPgPolicyStore(pool);
  const matrixDeps = {
    homeserverUrl: config.matrix.homeserverUrl,
    asToken: config.matrix.asToken,
    botUserId: config.matrix.botUserId,
    homeserver,
  };
  const directory: DirectoryContext = {
    store: createPgDirectoryStore(pool),
    profiles,
    matrix: createDirectoryMatrix(matrixDeps),
    serverName: config.matrix.serverName,
    botLocalpart: config.matrix.botLocalpart,
    partners: config.directory.partners,
    organisationName: config.directory.organisationName,
    onIgnored: (reason) => metrics.directoryEntriesIgnored.inc({ reason }),
    bannedUsersOf: bannedUsersOf(policyStore, config.matrix.serverName),
    now: () => new Date(),
    logger: logger.child({ component: "directory" }),
  };
  // Bans shared with partners as m.policy.rule.user (cli.js ban); they apply to the directory.
  const policyService = createPolicyService({
    events,
    ctx: {
      store: policyStore,
      matrix: createPolicyMatrix(matrixDeps),
      directory,
      serverName: config.matrix.serverName,
      botLocalpart: config.matrix.botLocalpart,
      partners: config.directory.partners,
      organisationName: config.directory.organisationName,
      onIgnored: (reason) => metrics.policyRulesIgnored.inc({ reason }),
      now: () => new Date(),
      logger: logger.child({ component: "policy" }),
    },
    botUserId: config.matrix.botUserId,
    logger,
    intervalMs: config.directory.syncIntervalMs,
  });
  const partnerMatrix = createPartnerMatrix({
    homeserver,
    synapseAdmin: auth.synapse,
    botStore,
    botUserId: config.matrix.botUserId,
    serverName: config.matrix.serverName,
    publicUrl: config.publicUrl,
    logger: logger.child({ component: "partner-matrix" }),
  });
  const partners: PartnerContext = {
    profiles,
    partners: createPgPartnerStore(pool),
    remoteLearners: remoteLearners(directory),
    localBans: async () => new Set((await policyStore.bannedUsers()).map((ban) => ban.userId)),
    matrix: {
      ...partnerMatrix,
      // Every profile change also reaches the learner's directory entry; a failure here leaves
      // the profile unpublished, so the catch-up retries both.
      async publishProfile(profile) {
        await partnerMatrix.publishProfile(profile);
        await publishLearner(directory, profile.userId);
      },
      // Request and acceptance notices (and their mails) go through the outbox the partner
      // store writes in the same transaction: the writer sends first, the sweep after a crash.
      tellRequestReceived: (request) => notices.deliverNow(request.id, "request_received"),
      tellRequestAccepted: (request) => notices.deliverNow(request.id, "request_accepted"),
    },
    now: () => new Date(),
    logger: logger.child({ component: "partners" }),
  };
  const notices = createPartnerNoticeOutbox({
    store: createPgPartnerNoticeStore(pool),
    deliver: createPartnerNoticeSender({
      partners,
      homeserver,
      botStore,
      serverName: config.matrix.serverName,
    }),
    logger,
  });
  // Requests between partner organisations' learners (also winds up a pairing that ended).
  const orgRequestContext: OrgRequestContext = {
    store: createPgOrgRequestStore(pool),
    partners,
    directory,
    matrix: createOrgRequestMatrix(matrixDeps),
    onIgnored: (reason) => metrics.partnerRequestsIgnored.inc({ reason }),
    now: () => new Date(),
    logger: logger.child({ component: "partner-requests" }),
  };
  partners.orgRequests = orgRequests(orgRequestContext);
  directory.claimRoom = (serverName, roomId) =>
    claimRequestRoom(orgRequestContext, serverName, roomId);
  const orgRequestService = createOrgRequestService({
    events,
    ctx: orgRequestContext,
    botUserId: config.matrix.botUserId,
    logger,
    intervalMs: config.directory.syncIntervalMs,
  });
  const directoryService = createDirectoryService({
    events,
    ctx: directory,
    botUserId: config.matrix.botUserId,
    logger,
    intervalMs: config.directory.syncIntervalMs,
    claimsInvite: (event) => policyService.claimsInvite(event),
  });
  const stopAnsweringJoins = answerPartnerBotJoins({
    events,
    botUserId: config.matrix.botUserId,
    partners: config.directory.partners,
    send: orgRequestContext.matrix.send,
    logger,
  });
  startBot({
    events,
    homeserver,
    botUserId: config.matrix.botUserId,
    logger,
    partners,
    botStore,
    directory,
    ignoresInvite: isDirectoryInvite(config.matrix.botUserId),
    onMessageRead: (ms) => metrics.botMessageRead.observe(ms / 1_000),
  });
  const transactions = createPgTransactionStore(pool);
  const stopInboxSweep = startInboxSweep(
    createInbox({ store: transactions, events, logger }),
    logger,
  );
  const bootstrap = await applyBootstrapAdmin(auth.accounts, config.auth.bootstrapAdmin);
  if (bootstrap === "no_such_account") {
    logger.warn(
      { username: config.auth.bootstrapAdmin },
      "BOOTSTRAP_ADMIN names no existing account, so nobody was made admin: sign that account up, then restart the bridge (or use cli.js set-role)",
    );
  } else if (bootstrap !== "not_set") {
    logger.info({ username: config.auth.bootstrapAdmin }, "BOOTSTRAP_ADMIN is an admin");
  }
  const stopPruning = startPruning(auth, logger);
  const stopPruningHandledIds = startPruningHandledIds(createPgPruningStore(pool), logger);

  const rtc = createCallTokenContext(config, auth, logger);
  const app = createApp({
    logger,
    hsToken: config.matrix.hsToken,
    checkDatabase: () => checkDatabase(pool),
    transactions,
    events,
    mustHandle: botActsOn(config.matrix.botUserId),
    auth,
    partners,
    directory,
    publicUrl: config.publicUrl,
    allowedOrigins: config.auth.allowedOrigins,
    relayLogin: createLoginRelay({ homeserverUrl: config.matrix.homeserverUrl }),
    rtc,
    widget: createWidgetExchangeContext(config, rtc, partners, pool, logger),
    push: createPushSettings(config, pool, logger),
    email: email?.settings,
    trustProxy: config.http.trustProxy,
    metrics,
  });
  const httpServer = createServer(app);
  // The edge (Caddy) keeps idle connections to us for up to 2 minutes; Node closes its side after
  // 5 s by default, so the edge could send a request down a socket we had just closed. With two
  // replicas that reset also marks the healthy one failed (max_fails 1) while the other restarts,
  // and a learner got a 503. Outlive the edge's idle pool instead.
  httpServer.keepAliveTimeout = EDGE_KEEPALIVE_MS + 5_000;
  httpServer.headersTimeout = EDGE_KEEPALIVE_MS + 10_000;
  await listen(httpServer, config.http.host, config.http.port);
  logger.info(`bridge-service listening on http://${config.http.host}:${config.http.port}`);
  // Its own listener: the edge proxies only the main port, so /metrics is never public.
  const metricsServer =
    config.metrics.port === undefined ? undefined : createMetricsServer(metrics);
  if (metricsServer && config.metrics.port !== undefined) {
    await listen(metricsServer, config.metrics.host, config.metrics.port);
    logger.info(`metrics on http://${config.metrics.host}:${config.metrics.port}/metrics`);
  }

  let stopping = false;
  let stopCatchUp = () => {};
  let stopNoticeSweep = () => {};
  let stopMailSweep = () => {};
  // Matrix work (naming the bot, profiles and rooms left over from before) waits for Synapse.
  void waitForHomeserver(homeserver, logger).then(() => {
    if (stopping) return;
    directoryService.start();
    policyService.start();
    orgRequestService.start();
    void backfillPartnerRoomWidgets(config, pool, logger);
    stopCatchUp = startMatrixCatchUp(
      partners,
      { homeserver, userId: config.matrix.botUserId },
      logger,
    );
    stopNoticeSweep = startPartnerNoticeSweep(notices, logger);
    // Partner mails wait in PostgreSQL (partner_mails) until one replica's SMTP send succeeds.
    stopMailSweep = email?.startSending(partners) ?? stopMailSweep;
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    stopPruning();
    stopPruningHandledIds();
    stopInboxSweep();
    stopCatchUp();
    stopNoticeSweep();
    directoryService.stop();
    stopAnsweringJoins();
    policyService.stop();
    orgRequestService.stop();
    stopEventLoopGuard();
    stopMailSweep();
    metricsServer?.close();
    const forceClose = setTimeout(() => {
      logger.warn("in-flight requests did not finish in time; closing connections");
      httpServer.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    forceClose.unref();
    // close() stops accepting, closes idle keep-alive connections and waits for the rest.
    httpServer.close(() => {
      clearTimeout(forceClose);
      pool
        .end()
        .catch((error: unknown) => logger.warn({ err: error }, "closing the database pool failed"))
        .finally(() => {
          logger.info("bridge-service stopped");
          logger.flush();
          process.exit(0);
        });
    });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  // Before the logger exists or after it failed: stderr is the only safe place.
  process.stderr.write(
    `bridge-service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
