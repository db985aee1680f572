// @ts-check
// The import graph's layer rules (DESIGN.md "The flow"; issue 15), checked by `npm run lint`.
// One direction: the pure core (domain, audit, rules) and the readers and reports below it know
// nothing of the database, HTTP, services or the scheduler; services combine them; web, cli and
// jobs call services. tests/unit/layers.test.ts plants a violation of each rule and expects failure.

/** The layers nothing may reach down into from the core. */
const OUTER = "^(src/(db|web|services|cli)|jobs)/";

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "core-imports-outer-layer",
      severity: "error",
      comment: "domain, audit, rules, ingest and reports are pure of databases, HTTP, services and jobs: services compose them.",
      from: { path: "^(src/(domain|audit|ingest|reports)|rules)/" },
      to: { path: OUTER },
    },
    {
      name: "domain-imports-beyond-domain",
      severity: "error",
      comment: "src/domain is the vocabulary everything else uses: it imports only itself and decimal.js.",
      from: { path: "^src/domain/" },
      to: { pathNot: ["^src/domain/", "node_modules/decimal\\.js/"] },
    },
    {
      name: "ingest-imports-audit",
      severity: "error",
      comment: "Reading an invoice knows nothing of the audit: line classification is in src/domain, its keywords come with the read context.",
      from: { path: "^src/ingest/" },
      to: { path: "^(src/audit|rules)/" },
    },
    {
      name: "web-imports-repositories",
      severity: "error",
      comment: "Routes call services; the vocabulary they need (roles, statuses) is in src/domain.",
      from: { path: "^src/web/" },
      to: { path: "^src/db/repositories/" },
    },
    {
      name: "jobs-import-knex",
      severity: "error",
      comment: "A job is a schedule and a service call: it never runs a query (no knex, nothing from src/db).",
      from: { path: "^jobs/" },
      to: { path: ["node_modules/knex/", "^src/db/"] },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment: "Every import resolves: a check that cannot see an arrow cannot forbid it.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-cycles",
      severity: "error",
      comment: "No two files import each other, directly or round a loop.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|data|coverage)/" },
    // Type-only imports are arrows too: a type from a repository ties a route to the table.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
