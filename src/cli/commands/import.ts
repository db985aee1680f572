import type { Database } from "../../db/connection.js";
import { consortiumByCode, consortiumMemberIds } from "../../db/repositories/consortium.repository.js";
import { AppError, isAppError } from "../../domain/errors.js";
import type { HeaderMapping } from "../../reference/headers.js";
import { describeMapping, parseMapping, profileMappings, saveProfile } from "../../services/reference/import-profiles.js";
import { collectImportFiles } from "../../services/reference/import-files.js";
import { importReference } from "../../services/reference/import-reference.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, EXIT_REJECTED, type Command } from "../command.js";
import { formatPreview, formatProblems, formatSummary } from "./import-report.js";

export const importCommand: Command = {
  name: "import",
  help: [
    "Loads the authority's reference data: the tables providers, contracts, rates, placements,",
    "placement_fees, packages, discounts and absences, from CSV (UTF-8 or Windows-1252; comma,",
    "semicolon or tab) or XLSX files of any name. The table is recognised from the headers (known",
    "synonyms included; a file named after its table, e.g. placements.csv, is that table); each",
    "sheet of a workbook may hold a table; title, filter and blank rows above a header are skipped.",
    "A provider may be given by id, name or alias. A directory means every CSV and XLSX file in it.",
    "",
    "Every problem of every row is listed at once (file, row, column, value). Rows are inserted, or",
    "updated by their key; a column the file does not have keeps what is stored; nothing is deleted.",
    "The whole import is applied in one go or not at all:",
    "  --dry-run              show what would change (rows to insert, each field before → after,",
    "                         key changes apart) and every problem; change nothing",
    "  --skip-bad-rows        load the good rows and leave the rows with problems listed",
    "                         (without it, any problem means nothing is loaded)",
    "  --confirm-key-changes  apply changes that move an existing placement to another child,",
    "                         provider or contract (without it they are refused, with the preview)",
    "Applying writes the audit log: who, which files, the counts and each key change.",
    "",
    "A header the importer cannot place is mapped once:",
    "  --map \"Care Package Level=service_level\"   (or =placements.service_level for one table;",
    "                         repeat --map for several headers)",
    "  --profile NAME         use the mappings saved under NAME (an import profile); with --map,",
    "                         the new mappings are saved into it (created if new; not on --dry-run).",
    "                         `profiles` lists, shows, edits and deletes them.",
    "",
    "Exit status: 0 all loaded (or, with --dry-run, no problem found); 1 some input was rejected or",
    "nothing was applied; 2 usage error.",
    "",
    "A consortium's framework contracts and rates are imported once for all its members:",
    "  --framework CODE       the files are the framework of consortium CODE (contracts, with an",
    "                         optional annual_uplift_pct column, and rates); members' placements",
    "                         then name a framework contract by its contract_id",
    "",
    "Example: placement-audit import --dry-run samples/reference",
    "         placement-audit import --framework NWC samples/consortium/framework",
  ].join("\n"),
  async run(args, context) {
    const { positionals, values } = parseCommandArgs(
      args,
      {
        "dry-run": { type: "boolean" },
        "confirm-key-changes": { type: "boolean" },
        "skip-bad-rows": { type: "boolean" },
        map: { type: "string", multiple: true },
        profile: { type: "string" },
        framework: { type: "string" },
      },
      true,
    );
    if (positionals.length === 0) throw new AppError("usage", "name the reference files or a directory holding them, e.g. import samples/reference");
    const collected = collectImportFiles(positionals);
    for (const problem of collected.problems) context.stderr.write(`${problem}\n`);
    if (collected.files.length === 0) return EXIT_REJECTED;
    const given = (values.map ?? []).map(parseMappingArg);
    const dryRun = values["dry-run"] === true;
    const db = await context.database();
    const profile = values.profile;
    const framework = values.framework === undefined ? undefined : await frameworkTarget(db, values.framework);
    // A framework belongs to the consortium, not to one council: its first member stands as the actor's authority.
    const authorityId = framework ? framework.actingAuthorityId : await context.authorityId();
    const saved = profile === undefined ? [] : await profileMappings(db, authorityId, profile).catch((error: unknown) => {
      // A new profile is made by naming it with the mappings that make it up.
      if (given.length > 0 && isAppError(error) && error.code === "profile.unknown") return [];
      throw error;
    });
    if (profile !== undefined && given.length > 0 && !dryRun) {
      const mappings = await saveProfile(db, { authorityId, name: profile, mappings: given, actor: "cli", mode: "merge" });
      context.stdout.write(`Import profile "${profile}" saved: ${mappings.map(describeMapping).join("; ")}\n`);
    }
    const report = await importReference(db, collected.files, {
      mappings: [...saved, ...given],
      logger: context.logger,
      authorityId,
      dryRun,
      confirmKeyChanges: values["confirm-key-changes"] === true,
      skipBadRows: values["skip-bad-rows"] === true,
      actor: "cli",
      ...(framework ? { framework: { consortiumId: framework.consortiumId, code: framework.code } } : {}),
    });
    context.stderr.write(formatProblems(report));
    // The rows themselves when nothing was applied: a dry run, or a refusal the person must act on.
    if (report.outcome !== "applied") context.stdout.write(formatPreview(report));
    context.stdout.write(formatSummary(report));
    if (collected.problems.length > 0) context.stdout.write(`${collected.problems.length} path(s) named could not be read (listed above).\n`);
    const done = report.outcome === "applied" || report.outcome === "preview";
    return done && report.ok && collected.problems.length === 0 ? EXIT_OK : EXIT_REJECTED;
  },
};


/** The consortium named by --framework, with a member to act for; an unknown code is a usage error. */
async function frameworkTarget(db: Database, code: string): Promise<{ consortiumId: number; code: string; actingAuthorityId: number }> {
  const consortium = await consortiumByCode(db.knex, code);
  if (!consortium) throw new AppError("usage", `--framework: no consortium "${code}" (consortia add ${code} --name "…" --member COUNCIL)`);
  const [first] = await consortiumMemberIds(db.knex, consortium.id);
  if (first === undefined) throw new AppError("usage", `--framework: consortium "${code}" has no members yet (consortia add ${code} --member COUNCIL)`);
  return { consortiumId: consortium.id, code, actingAuthorityId: first };
}

/** A --map value; a malformed one is a usage error (exit 2). */
function parseMappingArg(spec: string): HeaderMapping {
  try {
    return parseMapping(spec);
  } catch (error) {
    if (isAppError(error)) throw new AppError("usage", `--map: ${error.message}`);
    throw error;
  }
}
