import type { Command } from "../command.js";
import { auditCommand } from "./audit.js";
import { demoCommand } from "./demo.js";
import { findingsCommand } from "./findings.js";
import { importCommand } from "./import.js";
import { ingestCommand } from "./ingest.js";
import { profilesCommand } from "./profiles.js";
import { invoicesCommand } from "./invoices.js";
import { reportCommand } from "./report.js";
import { serveCommand } from "./serve.js";
import { usersCommand } from "./users.js";
import { workerCommand } from "./worker.js";

/** Every command of INTERFACES.md, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  importCommand,
  profilesCommand,
  ingestCommand,
  auditCommand,
  invoicesCommand,
  findingsCommand,
  reportCommand,
  serveCommand,
  workerCommand,
  usersCommand,
  demoCommand,
];
