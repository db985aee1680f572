import type { Request, Response } from "express";
import { AppError, isAppError } from "../../domain/errors.js";
import type { HeaderMapping } from "../../reference/headers.js";
import { showValue, type FieldChange } from "../../reference/diff.js";
import { REFERENCE_TABLES, TABLES } from "../../reference/tables.js";
import type { ImportReport } from "../../services/reference/import-reference.js";
import { describeMapping, listProfiles, parseMapping, profileMappings, saveProfile } from "../../services/reference/import-profiles.js";
import { isReferenceTable, referenceTemplate } from "../../services/reference/reference-templates.js";
import { dropStagedReferenceFiles, stagedReferenceFiles, stageReferenceFiles } from "../../services/reference/reference-staging.js";
import { field, fields } from "../body.js";
import { actorOf, type WebContext } from "../context.js";
import { describeImport } from "../service-ports.js";
import { render } from "../views.js";
import { showUploads, uploadProblem } from "./operations.handlers.js";

/** Rows listed per file and kind on the preview page; the counts cover every row. */
const PREVIEW_ROWS = 20;

/** Every column a header may be mapped to, as `table.column`. */
const COLUMN_CHOICES = REFERENCE_TABLES.flatMap((table) => TABLES[table].columns.map((column) => `${table}.${column.name}`));

interface PreviewState {
  token: string;
  profile: string;
  saveAs: string;
  /** The person's mappings on this page (header → table.column). */
  mappings: HeaderMapping[];
}

/** The mappings of the form: header_N (hidden) and column_N (the person's choice, blank = leave it). */
function formMappings(req: Request): HeaderMapping[] {
  const headers = fields(req, "header");
  const columns = fields(req, "column");
  const result: HeaderMapping[] = [];
  headers.forEach((header, index) => {
    const target = columns[index] ?? "";
    if (target !== "" && COLUMN_CHOICES.includes(target)) result.push(parseMapping(`${header}=${target}`));
  });
  return result;
}

function previewView(report: ImportReport, state: PreviewState) {
  const chosen = new Map(state.mappings.map((m) => [m.header, m.table ? `${m.table}.${m.column}` : m.column]));
  const list = <T>(items: readonly T[]): { shown: T[]; more: number } => ({ shown: items.slice(0, PREVIEW_ROWS), more: Math.max(0, items.length - PREVIEW_ROWS) });
  const changes = (row: { changes: readonly FieldChange[] }): { column: string; before: string; after: string }[] =>
    row.changes.map((c) => ({ column: c.column, before: showValue(c.before), after: showValue(c.after) }));
  // One choice per header: the person's mappings so far (kept on the next preview, where the
  // header is then placed), then every header still unplaced.
  const headers = [...chosen.keys()];
  for (const file of report.files) for (const header of file.unplacedHeaders) if (!headers.includes(header)) headers.push(header);
  return {
    mappings: headers.map((header, index) => ({
      index,
      header,
      files: report.files.filter((file) => file.unplacedHeaders.includes(header)).map((file) => file.file),
      options: [{ value: "", text: "Leave it out", selected: !chosen.has(header) }, ...COLUMN_CHOICES.map((c) => ({ value: c, text: c, selected: chosen.get(header) === c }))],
    })),
    outcome: report.outcome,
    ok: report.ok,
    keyChangeCount: report.keyChanges,
    files: report.files.map((file) => ({
      file: file.file,
      table: file.table,
      status: file.status,
      counts: file.counts,
      inserts: list(file.inserts.map((row) => ({ row: row.rowNumber, label: row.label }))),
      updates: list(file.updates.map((row) => ({ row: row.rowNumber, label: row.label, changes: changes(row) }))),
      keyChanges: file.keyChanges.map((row) => ({ row: row.rowNumber, label: row.label, changes: changes(row) })),
      errors: file.errors.map((e) => e.message),
      errorsOmitted: file.errorsOmitted,
      warnings: file.warnings.map((w) => w.message),
    })),
  };
}

/**
 * The staged files and the chosen profile's mappings, or null once the uploads page has been shown
 * with the reason (the staging expired, the profile is gone).
 */
async function stagedWithProfile(ctx: WebContext, req: Request, res: Response, state: PreviewState): Promise<{ files: ReturnType<typeof stagedReferenceFiles>; profileMaps: HeaderMapping[] } | null> {
  const actor = actorOf(req);
  try {
    const files = stagedReferenceFiles(ctx.dataDir, actor, state.token);
    const profileMaps = state.profile !== "" ? await profileMappings(ctx.db, actor.authorityId, state.profile) : [];
    return { files, profileMaps };
  } catch (error) {
    if (!isAppError(error)) throw error;
    await showUploads(ctx, req, res, { errors: { referenceFiles: error.message } }, 400);
    return null;
  }
}

async function showPreview(ctx: WebContext, req: Request, res: Response, state: PreviewState, status = 200, message: string | null = null): Promise<void> {
  const actor = actorOf(req);
  const port = ctx.ports.importReference;
  if (!port) {
    await showUploads(ctx, req, res, { errors: { referenceFiles: "This upload is not available in this version yet." } }, 503);
    return;
  }
  const staged = await stagedWithProfile(ctx, req, res, state);
  if (!staged) return;
  const { files, profileMaps } = staged;
  const report = await port(files, { authorityId: actor.authorityId, actor: actor.username, dryRun: true, mappings: [...profileMaps, ...state.mappings] });
  const profiles = (await listProfiles(ctx.db, actor.authorityId)).map((p) => ({ value: p.name, text: `${p.name} (${p.mappings.map(describeMapping).join("; ")})`, selected: p.name === state.profile }));
  await render(ctx, req, res, "reference-preview.njk", { preview: previewView(report, state), state, profiles, message }, status);
}

/** POST /uploads/reference: the files are staged and previewed; nothing changes yet. */
export async function uploadReference(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const files = req.uploads ?? [];
  const problem = uploadProblem(files);
  if (problem) {
    await showUploads(ctx, req, res, { errors: { referenceFiles: problem } }, 400);
    return;
  }
  if (!ctx.ports.importReference) {
    await showUploads(ctx, req, res, { errors: { referenceFiles: "This upload is not available in this version yet." } }, 503);
    return;
  }
  const actor = actorOf(req);
  const token = stageReferenceFiles(ctx.dataDir, actor, files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) })));
  ctx.logger.info("reference files staged for preview", { files: files.length, userId: actor.userId });
  await showPreview(ctx, req, res, { token, profile: "", saveAs: "", mappings: [] });
}

function stateOf(req: Request): PreviewState {
  return { token: field(req, "token"), profile: field(req, "profile"), saveAs: field(req, "saveAs").trim(), mappings: formMappings(req) };
}

/** POST /uploads/reference/preview: the same staged files again, with the mappings chosen. */
export async function previewReference(ctx: WebContext, req: Request, res: Response): Promise<void> {
  await showPreview(ctx, req, res, stateOf(req));
}

/** POST /uploads/reference/apply: applies the staged files whole (or their good rows, if asked), with the audit log. */
export async function applyReference(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const state = stateOf(req);
  const actor = actorOf(req);
  const port = ctx.ports.importReference;
  const staged = await stagedWithProfile(ctx, req, res, state);
  if (!staged) return;
  const { files, profileMaps } = staged;
  if (!port) {
    await showUploads(ctx, req, res, { errors: { referenceFiles: "This upload is not available in this version yet." } }, 503);
    return;
  }
  const report = await port(files, {
    authorityId: actor.authorityId,
    actor: actor.username,
    mappings: [...profileMaps, ...state.mappings],
    confirmKeyChanges: field(req, "confirmKeyChanges") === "yes",
    skipBadRows: field(req, "skipBadRows") === "yes",
  });
  if (report.outcome !== "applied") {
    const message = report.outcome === "refused_key_changes"
      ? `Nothing was changed: confirm the ${report.keyChanges} key change(s) to apply them.`
      : "Nothing was changed: some rows have problems. Fix the files and upload them again, or choose to load the good rows.";
    await showPreview(ctx, req, res, state, 400, message);
    return;
  }
  const name = state.saveAs !== "" ? state.saveAs : state.profile;
  if (name !== "" && state.mappings.length > 0) await saveProfile(ctx.db, { authorityId: actor.authorityId, name, mappings: state.mappings, actor: actor.username, mode: "merge" });
  dropStagedReferenceFiles(ctx.dataDir, state.token);
  await showUploads(ctx, req, res, { referenceReport: describeImport(report) });
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** GET /uploads/reference/templates/:table: a blank XLSX template for one table, as a download. */
export async function referenceTemplateDownload(_ctx: WebContext, req: Request, res: Response): Promise<void> {
  const table = String(req.params.table ?? "");
  if (!isReferenceTable(table)) throw new AppError("not_found", "There is no such table");
  const bytes = await referenceTemplate(table);
  res.attachment(`${table}.xlsx`);
  res.type(XLSX_TYPE);
  res.send(bytes);
}
