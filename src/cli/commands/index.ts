import type { Command } from "../command.js";

/**
 * Every command of INTERFACES.md, in the order `--help` lists them. What the overview shows is
 * written here and each command's module is loaded only when it runs (or its own help is asked
 * for): `--help` then loads none of the services, the database or the readers, and answers in
 * well under a second (bench/cli-help.bench.ts prints the figure).
 */
export interface CommandEntry {
  name: string;
  /** e.g. "import <dir or files…>" */
  synopsis: string;
  summary: string;
  /** Further forms of the command the overview lists (a report's other kinds). */
  also?: readonly { synopsis: string; summary: string }[];
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "import",
    synopsis: "import <dir or files…> [--dry-run] [--confirm-key-changes] [--skip-bad-rows] [--map HEADER=COLUMN…] [--profile NAME] [--framework CODE]",
    summary: "Load reference data (CSV or XLSX), with a preview first if wanted",
    load: async () => (await import("./import.js")).importCommand,
  },
  {
    name: "profiles",
    synopsis: "profiles list | show NAME | set NAME --map HEADER=COLUMN… | delete NAME",
    summary: "List and edit import profiles (saved header mappings)",
    load: async () => (await import("./profiles.js")).profilesCommand,
  },
  {
    name: "ingest",
    synopsis: "ingest <files or dirs…>",
    summary: "Read provider invoices (PDF, XLSX, CSV)",
    load: async () => (await import("./ingest.js")).ingestCommand,
  },
  {
    name: "audit",
    synopsis: "audit [--month YYYY-MM | --all] [--threads N]",
    summary: "Audit invoices dated in a month (default: the previous month) or all",
    load: async () => (await import("./audit.js")).auditCommand,
  },
  {
    name: "invoices",
    synopsis: "invoices [--month YYYY-MM] [--provider ID] [--needs-attention | --to-verify] --format json|csv|table",
    summary: "Print the invoices as extracted",
    load: async () => (await import("./invoices.js")).invoicesCommand,
  },
  {
    name: "findings",
    synopsis: "findings [--month YYYY-MM] [--status S] [--provider ID] --format json|csv|table",
    summary: "Print findings",
    load: async () => (await import("./findings.js")).findingsCommand,
  },
  {
    name: "report",
    synopsis: "report savings [--from YYYY-MM] [--to YYYY-MM] [--provider ID] --out FILE.xlsx",
    summary: "Write the commissioners' savings report",
    also: [
      { synopsis: "report query-pack [--provider ID] --out FILE.xlsx|FILE.html|FOLDER", summary: "Write the query pack to send a provider (every provider with something to query, given a folder)" },
      { synopsis: "report consortium [--consortium CODE] [--quarter YYYY-Qn] --out FILE.xlsx", summary: "Write the consortium's price benchmark (aggregated, groups under 5 placements suppressed)" },
    ],
    load: async () => (await import("./report.js")).reportCommand,
  },
  {
    name: "authority",
    synopsis: "authority show | set [--name] [--address] [--contact-email] [--contact-phone] [--reply-days N] [--public-url URL]",
    summary: "The council's details that query packs give providers",
    load: async () => (await import("./authority.js")).authorityCommand,
  },
  {
    name: "consortia",
    synopsis: "consortia add CODE --name \"…\" [--member COUNCIL…] | list",
    summary: "Councils that commission together: a consortium, its members and its framework",
    load: async () => (await import("./consortia.js")).consortiaCommand,
  },
  {
    name: "authorities",
    synopsis: "authorities add CODE --name \"…\" | list",
    summary: "The councils of this deployment (act for one with --authority CODE on any command)",
    load: async () => (await import("./authorities.js")).authoritiesCommand,
  },
  {
    name: "serve",
    synopsis: "serve [--port N]",
    summary: "Serve the review web UI, its JSON API and the scheduler",
    load: async () => (await import("./serve.js")).serveCommand,
  },
  {
    name: "worker",
    synopsis: "worker [--jobs LIST] [--inbox-poll SECONDS]",
    summary: "Run the scheduler and the ingest/audit workers without the web UI",
    load: async () => (await import("./worker.js")).workerCommand,
  },
  {
    name: "users",
    synopsis: "users add <username> --role finance_officer|commissioner|admin|consortium_analyst",
    summary: "Create a user",
    also: [
      { synopsis: "users list [--format json|csv|table]", summary: "List the users, their roles and whether they can sign in" },
      { synopsis: "users disable|enable USERNAME", summary: "Stop or allow a user's sign-in (disabling ends their sessions)" },
      { synopsis: "users reset-password USERNAME", summary: "Print a one-time password, to be changed at the next sign-in" },
    ],
    load: async () => (await import("./users.js")).usersCommand,
  },
  {
    name: "demo",
    synopsis: "demo [--port N] [--consortium]",
    summary: "Load samples/, audit them and serve the UI: run this first",
    load: async () => (await import("./demo.js")).demoCommand,
  },
];
