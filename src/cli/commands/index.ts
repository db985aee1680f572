import type { Command } from "../command.js";
import { notBuilt } from "../not-built.js";

/** Every command of INTERFACES.md, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  notBuilt("import", "import <dir or files…>", "Load reference data (DATA.md tables, CSV or XLSX)"),
  notBuilt("ingest", "ingest <files or dirs…>", "Read provider invoices (PDF, XLSX, CSV)"),
  notBuilt("audit", "audit [--month YYYY-MM | --all]", "Audit invoices dated in a month (default: the previous month) or all"),
  notBuilt("invoices", "invoices [--month YYYY-MM] [--needs-attention] --format json|csv|table", "Print the invoices as extracted"),
  notBuilt("findings", "findings [--month YYYY-MM] [--status S] --format json|csv|table", "Print findings"),
  notBuilt("report", "report savings [--from YYYY-MM] [--to YYYY-MM] --out FILE.xlsx", "Write the commissioners' savings report"),
  notBuilt("serve", "serve [--port N]", "Serve the review web UI, its JSON API and the scheduler"),
  notBuilt("worker", "worker", "Run the scheduler and the ingest/audit workers without the web UI"),
  notBuilt("users", "users add <username> --role finance_officer|commissioner|admin", "Create a user"),
  notBuilt("demo", "demo", "Load samples/, audit them and serve the UI: run this first"),
];
