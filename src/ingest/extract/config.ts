import type { Unit } from "../../domain/reference.js";
import type { ColumnField, HeaderField } from "../text/labels.js";
import type { DateFormat } from "../text/values.js";

/**
 * What a provider template can change about extraction (DESIGN.md §5: layouts are data first).
 * The generic extractor runs with the empty config; a template adds synonyms, patterns and
 * formats for one provider's unusual layout.
 */
export interface ExtractionConfig {
  /** Extra date layouts, tried after the DATA.md spellings (e.g. `DD/MM/YY`). */
  dateFormats: DateFormat[];
  /** Extra table headings: normalised heading → column. */
  columnSynonyms: Map<string, ColumnField>;
  /** Extra header labels (e.g. "Our Ref" → invoiceNumber). */
  headerLabels: Array<{ field: HeaderField; label: string }>;
  /** Regular expressions over the document text; group 1 is the value. They win over labels. */
  fieldPatterns: Partial<Record<HeaderField, RegExp>>;
  /** Extra unit words: lower-case word → unit. */
  units: Record<string, Unit>;
  /** Unit of lines that print none and whose headings imply none. */
  defaultUnit: Unit | null;
  /** Rows matching any of these are never lines (e.g. "Balance from previous statement"). */
  skipRows: RegExp[];
}

export function emptyConfig(): ExtractionConfig {
  return { dateFormats: [], columnSynonyms: new Map(), headerLabels: [], fieldPatterns: {}, units: {}, defaultUnit: null, skipRows: [] };
}
