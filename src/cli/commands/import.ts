import { AppError } from "../../domain/errors.js";
import { collectImportFiles } from "../../services/import-files.js";
import { importReference } from "../../services/import-reference.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, EXIT_REJECTED, type Command } from "../command.js";
import { formatPreview, formatProblems, formatSummary } from "./import-report.js";

export const importCommand: Command = {
  name: "import",
  synopsis: "import <dir or files…> [--dry-run] [--confirm-key-changes] [--skip-bad-rows]",
  summary: "Load reference data (CSV or XLSX), with a preview first if wanted",
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
    "Exit status: 0 all loaded (or, with --dry-run, no problem found); 1 some input was rejected or",
    "nothing was applied; 2 usage error.",
    "",
    "Example: placement-audit import --dry-run samples/reference",
  ].join("\n"),
  async run(args, context) {
    const { positionals, values } = parseCommandArgs(
      args,
      { "dry-run": { type: "boolean" }, "confirm-key-changes": { type: "boolean" }, "skip-bad-rows": { type: "boolean" } },
      true,
    );
    if (positionals.length === 0) throw new AppError("usage", "name the reference files or a directory holding them, e.g. import samples/reference");
    const collected = collectImportFiles(positionals);
    for (const problem of collected.problems) context.stderr.write(`${problem}\n`);
    if (collected.files.length === 0) return EXIT_REJECTED;
    const db = await context.database();
    const report = await importReference(db, collected.files, {
      logger: context.logger,
      dryRun: values["dry-run"] === true,
      confirmKeyChanges: values["confirm-key-changes"] === true,
      skipBadRows: values["skip-bad-rows"] === true,
      actor: "cli",
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

