// The client's layers, as the imports must keep them (checked by `npm run lint:deps`).
//
//   app/, routing/   the shell: picks the screen, wires services; may import anything below
//   widget/          the exchange widget page's shell (its own entry, widget.html); like app/
//   features/<name>/ one thing a person does (chat, calls, partners…); imports matrix/, ui/,
//                    api/ and, of another feature, only what that feature's index.ts exports
//   ui/              plain components and hooks that know no feature
//   matrix/          the Matrix client, protocol helpers (ids, room names, message bodies,
//                    media); knows nothing of the screens
//   api/             the bridge's HTTP API
//   test/            fakes for unit tests; imports what it fakes
//
// Arrows point down only; no folder imports in a circle.

/** A feature's folder name, captured, so rules can compare the importer's and the target's. */
const FEATURE = "^client/src/features/([^/]+)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment:
        "A circle of imports has no layer order; move what both sides share down a layer. A lazy " +
        "import() back to its loader (calls/media → livekitMedia) runs after both are loaded.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["dynamic-import"] } },
    },
    {
      name: "ui-knows-no-feature",
      severity: "error",
      comment: "ui/ is below the features: it renders what it is given.",
      from: { path: "^client/src/ui/" },
      to: { path: "^client/src/(features|app|routing)/" },
    },
    {
      name: "matrix-knows-no-screen",
      severity: "error",
      comment: "matrix/ is the protocol layer: no feature, component or shell above it.",
      from: { path: "^client/src/matrix/" },
      to: { path: "^client/src/(features|ui|app|routing)/" },
    },
    {
      name: "api-knows-no-screen",
      severity: "error",
      comment: "api/ talks to the bridge; it knows nothing above it.",
      from: { path: "^client/src/api/" },
      to: { path: "^client/src/(features|ui|app|routing|matrix)/" },
    },
    {
      name: "features-below-the-shell",
      severity: "error",
      comment: "app/ and widget/ compose the features; a feature never reaches back up into them.",
      from: { path: "^client/src/(features|ui|matrix|api|routing)/" },
      to: { path: "^client/src/(app|widget)/" },
    },
    {
      name: "routing-below-the-app",
      severity: "error",
      comment: "routing/ is used by the app and features; it imports no feature or app module.",
      from: { path: "^client/src/routing/" },
      to: { path: "^client/src/(features|app)/" },
    },
    {
      name: "feature-through-its-index",
      severity: "error",
      comment:
        "A feature (and its tests) uses another only through the public entry it exports (features/<name>/index.ts); shared fakes live in src/test/.",
      from: { path: FEATURE },
      to: {
        path: "^client/src/features/([^/]+)/",
        pathNot: ["^client/src/features/$1/", "^client/src/features/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "no-test-code-in-the-app",
      severity: "error",
      comment: "Fakes and tests never ship.",
      from: {
        path: "^client/src/",
        pathNot: ["\\.test\\.tsx?$", "^client/src/test/", "/testing/", "/fake[^/]*$"],
      },
      to: { path: ["\\.test\\.tsx?$", "^client/src/test/", "/testing/"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: `${__dirname}/tsconfig.json` },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".cjs", ".mjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
