import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../domain/errors.js";
import { UNITS, type Unit } from "../domain/reference.js";
import { emptyConfig, type ExtractionConfig } from "./extract/config.js";
import { COLUMN_LABELS, normaliseLabel, type ColumnField, type HeaderField } from "./text/labels.js";
import { normaliseName } from "./providers.js";

/**
 * Provider templates: JSON data files that refine extraction for one provider's unusual layout
 * without code (DESIGN.md §5, after invoice2data). Where they live:
 *  - src/ingest/templates/*.json, shipped with the code (files starting with `_` are examples
 *    and are not loaded);
 *  - DATA_DIR/templates/*.json, added by an administrator at run time; then re-process the files
 *    waiting in "needs attention".
 * The format is described in src/ingest/templates/README.md.
 */
export interface ProviderTemplate {
  /** File the template came from (for messages). */
  source: string;
  providerId: string;
  /** All must appear in the document (case-insensitive) for the template to apply. Empty: applies
   * whenever the provider was recognised by name, alias or VAT number. */
  keywords: string[];
  config: ExtractionConfig;
}

export const BUILT_IN_TEMPLATES_DIR = fileURLToPath(new URL("./templates/", import.meta.url));

/** Where an administrator puts templates for a deployment. */
export function dataDirTemplates(dataDir: string): string {
  return path.join(dataDir, "templates");
}

const FIELD_KEYS: Readonly<Record<string, HeaderField>> = {
  invoice_number: "invoiceNumber",
  invoice_date: "invoiceDate",
  period: "period",
  period_from: "periodFrom",
  period_to: "periodTo",
  credits_invoice: "creditsInvoice",
  vat_number: "vatNumber",
  subtotal: "subtotal",
  vat: "vat",
  total: "total",
};

const TOP_KEYS = new Set(["$comment", "provider_id", "keywords", "fields", "labels", "columns", "date_formats", "units", "default_unit", "skip_rows"]);

function invalid(source: string, key: string, message: string): AppError {
  return new AppError("template.invalid", `Provider template ${path.basename(source)}: ${key}: ${message}`, { file: source, key });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, source: string, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.trim() === "")) {
    throw invalid(source, key, "must be a list of non-empty strings");
  }
  return (value as string[]).map((v) => v.trim());
}

function regex(value: unknown, source: string, key: string): RegExp {
  if (typeof value !== "string" || value === "") throw invalid(source, key, "must be a regular expression written as a string");
  try {
    return new RegExp(value, "im");
  } catch (error) {
    throw invalid(source, key, `is not a valid regular expression (${(error as Error).message})`);
  }
}

function isUnit(value: unknown): value is Unit {
  return typeof value === "string" && (UNITS as readonly string[]).includes(value);
}

/** Validates one template's parsed JSON; every problem is a `template.invalid` AppError naming the key. */
export function parseTemplate(json: unknown, source: string): ProviderTemplate {
  if (!isRecord(json)) throw invalid(source, "(root)", "must be a JSON object");
  for (const key of Object.keys(json)) if (!TOP_KEYS.has(key)) throw invalid(source, key, "is not a known setting");
  const providerId = json.provider_id;
  if (typeof providerId !== "string" || providerId.trim() === "") throw invalid(source, "provider_id", "is required");
  const config = emptyConfig();

  if (json.fields !== undefined) {
    if (!isRecord(json.fields)) throw invalid(source, "fields", "must be an object of field name to regular expression");
    for (const [key, pattern] of Object.entries(json.fields)) {
      const field = FIELD_KEYS[key];
      if (!field) throw invalid(source, `fields.${key}`, `is not a header field (${Object.keys(FIELD_KEYS).join(", ")})`);
      config.fieldPatterns[field] = regex(pattern, source, `fields.${key}`);
    }
  }
  if (json.labels !== undefined) {
    if (!isRecord(json.labels)) throw invalid(source, "labels", "must be an object of field name to list of labels");
    for (const [key, labels] of Object.entries(json.labels)) {
      const field = FIELD_KEYS[key];
      if (!field) throw invalid(source, `labels.${key}`, `is not a header field (${Object.keys(FIELD_KEYS).join(", ")})`);
      for (const label of stringList(labels, source, `labels.${key}`)) config.headerLabels.push({ field, label });
    }
  }
  if (json.columns !== undefined) {
    if (!isRecord(json.columns)) throw invalid(source, "columns", "must be an object of column name to list of headings");
    for (const [key, headings] of Object.entries(json.columns)) {
      if (!Object.hasOwn(COLUMN_LABELS, key)) throw invalid(source, `columns.${key}`, `is not a column (${Object.keys(COLUMN_LABELS).join(", ")})`);
      for (const heading of stringList(headings, source, `columns.${key}`)) config.columnSynonyms.set(normaliseLabel(heading), key as ColumnField);
    }
  }
  config.dateFormats = stringList(json.date_formats, source, "date_formats");
  for (const format of config.dateFormats) {
    if (!/Y/.test(format) || !/M/.test(format) || !/D/.test(format)) throw invalid(source, "date_formats", `"${format}" needs YYYY or YY, M and D parts`);
  }
  if (json.units !== undefined) {
    if (!isRecord(json.units)) throw invalid(source, "units", "must be an object of printed word to unit");
    for (const [word, unit] of Object.entries(json.units)) {
      if (!isUnit(unit)) throw invalid(source, `units.${word}`, `must be one of ${UNITS.join(", ")}`);
      config.units[word.trim().toLowerCase()] = unit;
    }
  }
  if (json.default_unit !== undefined) {
    if (!isUnit(json.default_unit)) throw invalid(source, "default_unit", `must be one of ${UNITS.join(", ")}`);
    config.defaultUnit = json.default_unit;
  }
  config.skipRows = stringList(json.skip_rows, source, "skip_rows").map((pattern, i) => regex(pattern, source, `skip_rows[${i}]`));
  return { source, providerId: providerId.trim(), keywords: stringList(json.keywords, source, "keywords"), config };
}

/** Every template in the given directories (missing directories are skipped). */
export function loadTemplates(dirs: readonly string[]): ProviderTemplate[] {
  const templates: ProviderTemplate[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith(".json") || name.startsWith("_")) continue;
      const file = path.join(dir, name);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (error) {
        throw invalid(file, "(file)", `is not valid JSON (${(error as Error).message})`);
      }
      templates.push(parseTemplate(json, file));
    }
  }
  return templates;
}

/**
 * The template for a document: one whose keywords all appear in it (the most keywords wins),
 * else a keyword-less template of the provider already recognised.
 */
export function selectTemplate(documentText: string, providerId: string | null, templates: readonly ProviderTemplate[]): ProviderTemplate | null {
  const text = normaliseName(documentText);
  const byKeywords = templates
    .filter((t) => t.keywords.length > 0 && t.keywords.every((k) => text.includes(normaliseName(k))))
    .sort((a, b) => b.keywords.length - a.keywords.length);
  if (byKeywords[0]) return byKeywords[0];
  if (providerId === null) return null;
  return templates.find((t) => t.keywords.length === 0 && t.providerId === providerId) ?? null;
}
