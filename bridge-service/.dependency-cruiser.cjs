// The bridge's layers, as the imports must keep them (`npm run lint:deps`). Arrows point down:
//   entry points   http/ (Express routers), bot/ (the @xstream bot), main.ts, app.ts, cli.ts
//   domain         domain/: plain functions over typed data; owns the ports in store/*.ts
//   ports          store/*.ts: store interfaces, their records and errors
//   adapters       store/pg/ (PostgreSQL), store/memory/ (tests), matrix/ (homeserver client),
//                  livekit/, push/, email/, metrics/
// Only the composition roots (main.ts, app.ts, cli.ts, email/emailSetup.ts) and tests wire
// adapters to the domain.
// Paths are from the repository root, where `npm run lint:deps` runs it.
const SRC = "^bridge-service/src/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules that import each other cannot be understood or changed one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-not-to-adapters",
      severity: "error",
      comment:
        "The domain talks to storage and transport through ports; it never loads pg, Express or an entry point.",
      from: { path: `${SRC}domain/`, pathNot: "\\.test\\.ts$" },
      to: {
        path: [
          `${SRC}(store/pg|store/memory|http|bot|livekit|push|email|metrics)/`,
          `${SRC}(main|app|cli)\\.ts$`,
          "node_modules/(pg|pg-[a-z-]+|express|node-pg-migrate|cookie-parser|helmet|pino-http)/",
        ],
      },
    },
    {
      name: "ports-not-to-logic",
      severity: "error",
      comment:
        "Stores (ports and adapters) keep data; they may name domain types but never call the domain.",
      from: { path: `${SRC}store/`, pathNot: "\\.test\\.ts$" },
      to: { path: `${SRC}domain/`, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "ports-not-to-adapters",
      severity: "error",
      comment: "A port says what the domain needs, not how it is done.",
      from: { path: `${SRC}store/[^/]+\\.ts$` },
      to: { path: [`${SRC}store/(pg|memory)/`, "node_modules/pg/"] },
    },
    {
      name: "matrix-is-a-client",
      severity: "error",
      comment:
        "matrix/ is the homeserver client below the domain; the bot that uses it lives in bot/.",
      from: { path: `${SRC}matrix/`, pathNot: "\\.test\\.ts$" },
      to: { path: `${SRC}(bot|http|domain|store)/` },
    },
    {
      name: "adapters-not-to-entry-points",
      severity: "error",
      comment: "Adapters sit below the entry points that use them.",
      // email/emailSetup.ts wires the mail parts for main.ts: a composition root.
      from: {
        path: `${SRC}(store|matrix|livekit|push|email|metrics)/`,
        pathNot: ["\\.test\\.ts$", "email/emailSetup\\.ts$"],
      },
      to: { path: [`${SRC}(http|bot)/`, `${SRC}(main|app|cli)\\.ts$`] },
    },
    {
      name: "entry-points-through-the-domain",
      severity: "error",
      comment: "Routers and the bot call the domain; they do not reach PostgreSQL themselves.",
      from: { path: `${SRC}(http|bot)/`, pathNot: "\\.test\\.ts$" },
      to: { path: `${SRC}store/pg/` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: [SRC, "node_modules/(pg|express|node-pg-migrate|cookie-parser|helmet|pino-http)/"],
    tsPreCompilationDeps: true,
    moduleSystems: ["es6"],
  },
};
