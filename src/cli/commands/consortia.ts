import { AppError, isAppError } from "../../domain/errors.js";
import { ensureConsortium } from "../../services/consortium/consortia.js";
import { listConsortia } from "../../services/consortium/consortium-benchmark.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, type Command } from "../command.js";

export const consortiaCommand: Command = {
  name: "consortia",
  help: [
    "consortia add CODE --name \"North West Children's Consortium\" --member COUNCIL [--member COUNCIL…]",
    "  Makes a consortium (or adds members to one): councils, named by their authority codes, that",
    "  commission together. Its framework contracts and rates are then imported once with",
    "  `import --framework CODE <files>`; members' placements name a framework contract by its id.",
    "consortia list",
    "  The consortia and their members.",
  ].join("\n"),
  async run(args, context) {
    const [subcommand, ...rest] = args;
    if (subcommand === "add") {
      const { positionals, values } = parseCommandArgs(rest, { name: { type: "string" }, member: { type: "string", multiple: true } }, true);
      const [code] = positionals;
      if (code === undefined || positionals.length > 1) throw new AppError("usage", "consortia add needs one CODE, e.g. consortia add NWC --name \"…\" --member COUNCIL");
      try {
        const made = await ensureConsortium(await context.database(), { code, name: values.name, memberCodes: values.member ?? [], actor: "cli" });
        context.stdout.write(`Consortium ${made.code} (${made.name}): ${made.memberIds.length} member(s).\n`);
      } catch (error) {
        if (isAppError(error) && error.code === "validation") throw new AppError("usage", error.message);
        throw error;
      }
      return EXIT_OK;
    }
    if (subcommand === "list" || subcommand === undefined) {
      parseCommandArgs(rest, {});
      for (const consortium of await listConsortia(await context.database())) {
        context.stdout.write(`${consortium.code}\t${consortium.name}\t${consortium.members.join(", ")}\n`);
      }
      return EXIT_OK;
    }
    throw new AppError("usage", `unknown subcommand "${subcommand}": use "add" or "list"`);
  },
};
