import { AppError } from "../../domain/errors.js";
import { REFERENCE_TABLES } from "../../reference/tables.js";
import { collectImportFiles } from "../../services/reference/import-files.js";
import { importReference, type ImportFileResult, type ImportReport } from "../../services/reference/import-reference.js";
import { parseCommandArgs } from "../args.js";
import { EXIT_OK, EXIT_REJECTED, type Command } from "../command.js";
import { toTable } from "../output.js";

export const importCommand: Command = {
  name: "import",
  help: [
    "Loads the authority's reference data: the DATA.md tables providers, contracts, rates, placements,",
    "placement_fees, packages, discounts and absences, each a CSV (UTF-8 or Windows-1252; comma,",
    "semicolon or tab) or XLSX file (first sheet) named after its table, e.g. placements.csv.",
    "A directory means every CSV and XLSX file in it.",
    "",
    "Files are applied in dependency order, each all or nothing: a file with any bad row is rejected",
    "with every reason (file, row, column, value) and the others still load. Rows are upserted by",
    "their natural key, so importing the same files again changes nothing. Nothing is deleted.",
    "",
    "Exit status: 0 all loaded; 1 some input was rejected; 2 usage error.",
    "",
    "Example: placement-audit import samples/reference",
  ].join("\n"),
  async run(args, context) {
    const { positionals } = parseCommandArgs(args, {}, true);
    if (positionals.length === 0) throw new AppError("usage", "name the reference files or a directory holding them, e.g. import samples/reference");
    const collected = collectImportFiles(positionals);
    for (const problem of collected.problems) context.stderr.write(`${problem}\n`);
    if (collected.files.length === 0) return EXIT_REJECTED;
    const db = await context.database();
    const report = await importReference(db, collected.files, { authorityId: await context.authorityId(), logger: context.logger });
    context.stderr.write(formatProblems(report));
    context.stdout.write(formatSummary(report));
    if (collected.problems.length > 0) context.stdout.write(`${collected.problems.length} path(s) named could not be read (listed above).\n`);
    return report.ok && collected.problems.length === 0 ? EXIT_OK : EXIT_REJECTED;
  },
};

function fileLine(result: ImportFileResult): string {
  const table = result.table ?? "?";
  if (result.status === "rejected") {
    const count = result.errors.length + result.errorsOmitted;
    return `${result.file} (${table}): REJECTED, nothing from this file was loaded (${count} problem${count === 1 ? "" : "s"})`;
  }
  const { inserted, updated, unchanged } = result.counts;
  return `${result.file} (${table}): ${inserted} inserted, ${updated} updated, ${unchanged} unchanged`;
}

/** Every reason a file was rejected, and the warnings (stderr). */
export function formatProblems(report: ImportReport): string {
  const lines: string[] = [];
  for (const result of report.files) {
    for (const warning of result.warnings) lines.push(`warning: ${warning.message}`);
    for (const error of result.errors) lines.push(error.message);
    if (result.errorsOmitted > 0) lines.push(`${result.file}: … and ${result.errorsOmitted} more problems`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** One line per file, then the counts per table (stdout). */
export function formatSummary(report: ImportReport): string {
  const lines = report.files.map(fileLine);
  const rows = REFERENCE_TABLES.filter((table) => report.tables[table]).map((table) => ({ table, ...report.tables[table] }));
  const table = rows.length > 0 ? `\n${toTable(["table", "inserted", "updated", "unchanged", "rejected"], rows, ["inserted", "updated", "unchanged", "rejected"])}` : "";
  let verdict: string;
  if (!report.ok) verdict = "Some files were rejected: fix the rows listed and import them again.";
  else if (!report.changed) verdict = "Nothing changed: every row was already up to date.";
  else verdict = "Reference data imported.";
  return `${lines.join("\n")}\n${table}\n${verdict}\n`;
}
