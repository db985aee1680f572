import path from "node:path";
import { fileURLToPath } from "node:url";
import { Dec, formatMoney, sum } from "../../domain/money.js";
import { DEMO_USERS, demoPassword, demoSessionSecret, loadDemo } from "../../services/demo/demo.js";
import { loadConsortiumDemo } from "../../services/demo/consortium-demo.js";
import { type Command, type CommandContext } from "../command.js";
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
    "  --port N       listen on port N (default: PORT, else 3000)",
    "  --consortium   instead, three fictional councils commissioning together (samples/consortium):",
    "                 shared providers and one framework, each council's placements and invoices",
    "                 imported, read and audited; the users analyst (consortium_analyst) and",
    "                 ald-finance, brm-finance, crs-finance (one finance officer per council)",
  ].join("\n"),
  longRunning: true,
  quietOnTerminal: true,
  async run(args, context) {
    if (args.includes("--consortium")) return runConsortiumDemo(args.filter((arg) => arg !== "--consortium"), context);
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

/** `demo --consortium`: the consortium's councils, framework and analyst, then the UI. */
async function runConsortiumDemo(args: string[], context: CommandContext): Promise<number> {
  const port = parsePort(args, context.settings.port);
  // The deployment's handle: the demo adds councils, and loads each one's data scoped to it.
  const db = await context.deployment();
  context.stdout.write("Loading the consortium demo (three councils, one framework) …\n");
  const { password, generated } = demoPassword(context.settings.dataDir, context.settings.demoPassword ?? undefined);
  const demo = await loadConsortiumDemo(db, { samplesDir: SAMPLES_DIR, dataDir: context.settings.dataDir, password, logger: context.logger });
  context.stdout.write(
    [
      `Consortium ${demo.name} (${demo.code}): framework ${demo.framework.changed ? "imported" : "already up to date"}.`,
      ...demo.councils.map((c) => `  ${c.name}: ${c.invoicesRead} invoices read now, ${c.findingsRaised} findings raised.`),
      "",
    ].join("\n"),
  );
  const users = demo.users.map((u) => `${u.username} (${u.role === "consortium_analyst" ? "consortium analyst" : `finance officer, ${u.council}`})`).join(", ");
  // Signed-in users see their own council's name in the header; signed out, the consortium's.
  // The scheduler and inbox act for the first council (a real deployment runs `worker
  // --authority CODE` for each; README "Several councils in one deployment").
  const settings = {
    ...context.settings,
    councilName: context.settings.councilName ?? demo.name,
    sessionSecret: demoSessionSecret(context.settings.dataDir, context.settings.sessionSecret),
  };
  const firstCouncil = demo.councils[0]?.authorityId ?? null;
  const chosenAuthorityId = (): Promise<number | null> => Promise.resolve(firstCouncil);
  return serveUntilStopped({ ...context, settings, chosenAuthorityId }, port, (url) =>
    [
      `Open ${url}/consortium/prices and sign in as ${users}, with the password: ${password}`,
      generated ? "(generated for this demo; set DEMO_PASSWORD to choose your own)" : "(from DEMO_PASSWORD)",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
}
