import { cleanText } from "../text/values.js";
import type { DraftLine, UncertainField } from "../types.js";

/**
 * The child's reference in a cell under the child heading that prints more than the reference
 * (DATA.md: the reference is pseudonymous; a provider may still print initials or a name beside
 * it, "A.M. (C1001)", "C1001 – Jamie S."). The reference is the one word of the cell that
 * carries a digit; the others must be a name's words (initials, capitalised words) or the
 * reference must stand in brackets. A cell with two such words ("5102-RES C4001": a cost centre
 * run into the child's column, or a child and a placement) is not guessed: which is the child
 * is not known.
 */
export type ChildCellReading =
  | { kind: "reference"; reference: string }
  /** The cell printed text besides the reference: what it was, for the line's note. */
  | { kind: "within"; reference: string; printed: string }
  | { kind: "doubt"; printed: string; candidates: string[] };

/** Words of a cell, split at spaces and the marks that set an ID apart: brackets, dashes between spaces, `·`, `|`, `,`, `;`. */
const WORD_BREAK = /\s+[-–—]\s+|[\s()[\]·|,;]+/;
/** A word that carries a digit: a reference's shape ("C1001", "1001", "YP-2231", "LA/4471"). */
export const REFERENCE_WORD = /^(?=[^\d]*\d)[A-Z0-9][A-Z0-9/-]*[A-Z0-9]$/i;
/** A name's word: initials ("A.M.", "K."), a capitalised word ("Jamie", "O'Neil", "Smith-Jones"). */
export const NAME_WORD = /^(?:(?:\p{Lu}\.){1,3}|\p{Lu}\p{Ll}*(?:['’-]\p{Lu}?\p{Ll}+)*\.?)$/u;

export function readChildCell(text: string): ChildCellReading {
  // "C8004 /" under "Client / Order": the mark joins the child to the next column's order number;
  // alone at the cell's end it says nothing of the reference.
  const printed = cleanText(text).replace(/\s*[/|·]\s*$/, "");
  const words = printed.split(WORD_BREAK).filter((w) => w !== "");
  if (words.length <= 1 && !/[()[\]]/.test(printed)) return { kind: "reference", reference: printed };
  const references = words.filter((w) => REFERENCE_WORD.test(w));
  const [only] = references;
  if (references.length > 1) return { kind: "doubt", printed, candidates: references };
  if (only === undefined) return { kind: "reference", reference: printed };
  const others = words.filter((w) => w !== only);
  const bracketed = new RegExp(`[(\\[]\\s*${only.replace(/[-/]/g, "\\$&")}\\s*[)\\]]`).test(printed);
  if (others.length === 0 || bracketed || others.every((w) => NAME_WORD.test(w))) return { kind: "within", reference: only, printed };
  return { kind: "doubt", printed, candidates: [only] };
}

/**
 * Every line's child cell read as above: the reference kept where the cell prints it among a
 * name's words (one note says so), and the line's child marked uncertain where the cell holds two
 * references' shapes or a reference among words that are no name's. The cell's text is left on
 * an uncertain line, quoted, for a person to settle.
 */
export function settleChildCells(lines: DraftLine[], notes: string[]): UncertainField[] {
  const uncertain: UncertainField[] = [];
  const within: string[] = [];
  for (const line of lines) {
    if (line.childRef === null) continue;
    const reading = readChildCell(line.childRef);
    if (reading.kind === "reference") {
      line.childRef = reading.reference;
    } else if (reading.kind === "within") {
      within.push(`"${reading.printed}" (${line.source})`);
      line.childRef = reading.reference;
    } else if (reading.kind === "doubt") {
      const which = reading.candidates.length > 1 ? `${reading.candidates.map((c) => `"${c}"`).join(" and ")} both have a reference's shape` : `"${reading.candidates[0] ?? ""}" stands among words that are not a name`;
      uncertain.push({
        code: "uncertain_value",
        field: `line ${line.lineNo} childRef`,
        reason: `${line.source} prints "${reading.printed}" for the child: ${which}, and which is the child's reference is not known`,
        candidates: reading.candidates,
      });
    }
  }
  if (within.length > 0) {
    const shown = within.length > 5 ? `${within.slice(0, 5).join(", ")} and ${within.length - 5} more` : within.join(", ");
    notes.push(`The child's cell prints a name or initials beside the reference; only the reference was read: ${shown}.`);
  }
  return uncertain;
}

/**
 * Words under the child heading on the printed line just under a line's row, when that line's
 * cell printed the reference beside a name ("C1001 Jayden") and these words are a name's only
 * ("Morris"): the narrow cell wrapped the name, so they are neither a reference nor a new line's.
 * A cell beside no reference, or words with a reference's shape, are not taken to be a wrap.
 */
export function wrapsChildName(lineCell: string, below: string): boolean {
  if (readChildCell(lineCell).kind !== "within") return false;
  const words = cleanText(below).split(WORD_BREAK).filter((w) => w !== "");
  return words.length > 0 && words.every((w) => NAME_WORD.test(w) && !REFERENCE_WORD.test(w));
}
