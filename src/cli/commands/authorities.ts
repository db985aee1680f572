import { tenantless } from "../../db/connection.js";
import { AppError } from "../../domain/errors.js";
import { addCouncil, authoritiesOf } from "../../services/authority/authority.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command, type CommandContext } from "../command.js";

async function add(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { name: { type: "string" } }, true);
  const [code, ...extra] = positionals;
  if (code === undefined || extra.length > 0) throw new AppError("usage", "give one code: authorities add CODE --name \"Council name\"");
  if (values.name === undefined) throw new AppError("usage", "give the council's name with --name \"…\"");
  // The authorities table is shared: adding a council needs no council of its own.
  const added = await addCouncil(tenantless(await context.deployment()), code, values.name);
  context.stdout.write(`Added ${added.name} (code ${added.code}). Act for it with --authority ${added.code}, e.g. users add NAME --role admin --authority ${added.code}\n`);
  return EXIT_OK;
}

async function list(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, { format: { type: "string" } });
  const authorities = await authoritiesOf(tenantless(await context.deployment()));
  if (values.format === "json") {
    context.stdout.write(`${JSON.stringify(authorities.map((a) => ({ code: a.code, name: a.name })), null, 2)}\n`);
    return EXIT_OK;
  }
  if (values.format !== undefined && values.format !== "table") throw new AppError("usage", `--format must be json or table, not "${values.format}"`);
  const width = Math.max(4, ...authorities.map((a) => a.code.length));
  context.stdout.write([`${"CODE".padEnd(width)}  NAME`, ...authorities.map((a) => `${a.code.padEnd(width)}  ${a.name}`)].join("\n") + "\n");
  return EXIT_OK;
}

export const authoritiesCommand: Command = {
  name: "authorities",
  help: [
    "authorities add CODE --name \"Council name\"",
    "  Adds a council to this deployment (DATA.md \"Authorities and consortia\"). Its data is kept",
    "  apart from every other council's by the database (row-level security). Then act for it with",
    "  --authority CODE on import, ingest, audit, findings, invoices, report, users, worker…",
    "",
    "authorities list [--format table|json]",
    "  The councils of this deployment and their codes.",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "add") return add(rest, context);
    if (subcommand === "list" || subcommand === undefined) return list(rest, context);
    throw new AppError("usage", `unknown subcommand "${subcommand}": use "add" or "list"`);
  },
};
