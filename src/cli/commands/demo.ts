import path from "node:path";
import { fileURLToPath } from "node:url";
import { Dec, formatMoney, sum } from "../../domain/money.js";
import { DEMO_USERS, demoSessionSecret, loadDemo } from "../../services/demo/demo.js";
import { type Command } from "../command.js";
import { parsePort, serveUntilStopped } from "./serve.js";

const SAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../samples");

export const demoCommand: Command = {
  name: "demo",
  help: [
    "Loads the sample council in samples/ (reference data and provider invoices), audits it, creates the",
    "users finance (finance_officer), commissioner and admin, and serves the review UI.",
    "Run again, it reuses what is there. The password is DEMO_PASSWORD, or one generated on the first run",
    "(kept in DATA_DIR/demo-password.txt and printed each time).",
    "",
    "  --port N   listen on port N (default: PORT, else 3000)",
  ].join("\n"),
  longRunning: true,
  quietOnTerminal: true,
  async run(args, context) {
    const port = parsePort(args, context.settings.port);
    const db = await context.database();
    context.stdout.write("Loading the sample council (Kestrel Vale) …\n");
    const demo = await loadDemo(db, { samplesDir: SAMPLES_DIR, dataDir: context.settings.dataDir, authorityId: await context.authorityId(), demoPassword: context.settings.demoPassword ?? undefined, logger: context.logger });
    const stored = demo.ingested.files.filter((f) => f.status === "stored").length;
    const already = demo.ingested.files.filter((f) => f.status === "already_received").length;
    const flagged = sum(Object.values(demo.audit.flaggedByCategory).map((amount) => new Dec(amount)));
    context.stdout.write(
      [
        `Reference data: ${demo.imported.changed ? "imported" : "already up to date"} (${demo.imported.files.length} files).`,
        `Invoices: ${stored} read now, ${already} already received.`,
        `Audit: ${demo.audit.invoicesAudited} invoices, ${demo.audit.findingsRaised} findings, ${formatMoney(flagged)} flagged.`,
        "",
      ].join("\n"),
    );
    const users = DEMO_USERS.map((u) => u.username).join(", ");
    const settings = { ...context.settings, sessionSecret: demoSessionSecret(context.settings.dataDir, context.settings.sessionSecret) };
    return serveUntilStopped(
      { ...context, settings },
      port,
      (url) =>
        [
          `Open ${url} and sign in as ${users} with the password: ${demo.password}`,
          demo.passwordGenerated ? `(generated for this demo; set DEMO_PASSWORD to choose your own)` : "(from DEMO_PASSWORD)",
          "Press Ctrl-C to stop.",
          "",
        ].join("\n"),
    );
  },
};
