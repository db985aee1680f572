import { Dec } from "../domain/money.js";

/**
 * Formulas a workbook saved without their results. Excel and Calc save each formula's last result
 * beside it; libraries that generate invoices and exports (openpyxl, exceljs, many accounting
 * add-ons) write the formula alone and leave the arithmetic to whoever opens the file. A reader
 * that skips such cells loses every line amount and total of the invoice.
 *
 * This computes the small part of the formula language such files use — numbers, cell references
 * on the same sheet, + - * /, brackets, SUM over cells and ranges, ROUND — exactly (decimal,
 * never binary floats), as the spreadsheet would on opening. Anything else (other sheets, other
 * functions, text) is not computed: the cell stays empty and the reader says it could not read it.
 */

/** What a referenced cell holds: a number, text, or nothing. */
export type CellLookup = (row: number, column: number) => number | string | null | typeof UNKNOWN;
/** A referenced cell that is itself a formula that cannot be computed. */
export const UNKNOWN = Symbol("unknown");

class Unsupported extends Error {}

type Token = { kind: "num"; value: string } | { kind: "ref"; row: number; column: number } | { kind: "name"; value: string } | { kind: "op"; value: string };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:E[+-]?\d+)?)|(\$?[A-Z]{1,3}\$?\d+)|([A-Z][A-Z0-9.]*)(?=\()|([-+*/(),:%]))/iy;

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function tokenize(formula: string): Token[] {
  const tokens: Token[] = [];
  const text = formula.replace(/^=/, "");
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match) throw new Unsupported(formula);
    if (match[1] !== undefined) tokens.push({ kind: "num", value: match[1] });
    else if (match[2] !== undefined) {
      const ref = /^\$?([A-Z]{1,3})\$?(\d+)$/i.exec(match[2]);
      if (!ref) throw new Unsupported(formula);
      tokens.push({ kind: "ref", row: Number(ref[2]), column: columnNumber(ref[1] ?? "") });
    } else if (match[3] !== undefined) tokens.push({ kind: "name", value: match[3].toUpperCase() });
    else tokens.push({ kind: "op", value: match[4] ?? "" });
  }
  return tokens;
}

/** A value in an argument list: SUM takes ranges, the rest take numbers. */
type Arg = Dec | Dec[];

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    /** A number, null for a blank, or the text of a text cell. */
    private readonly lookup: (row: number, column: number) => Dec | string | null,
  ) {}

  parse(): Dec {
    const value = this.expression();
    if (this.at !== this.tokens.length) throw new Unsupported("trailing tokens");
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token?.kind === "op" && token.value === value;
  }

  private expect(value: string): void {
    if (!this.isOp(value)) throw new Unsupported(`expected ${value}`);
    this.at += 1;
  }

  private expression(): Dec {
    let value = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.tokens[this.at++] as { value: string }).value;
      const right = this.term();
      value = op === "+" ? value.plus(right) : value.minus(right);
    }
    return value;
  }

  private term(): Dec {
    let value = this.factor();
    while (this.isOp("*") || this.isOp("/")) {
      const op = (this.tokens[this.at++] as { value: string }).value;
      const right = this.factor();
      if (op === "/" && right.isZero()) throw new Unsupported("division by zero");
      value = op === "*" ? value.times(right) : value.dividedBy(right);
    }
    return value;
  }

  private factor(): Dec {
    if (this.isOp("-")) {
      this.at += 1;
      return this.factor().negated();
    }
    if (this.isOp("+")) {
      this.at += 1;
      return this.factor();
    }
    let value = this.primary();
    if (this.isOp("%")) {
      this.at += 1;
      value = value.dividedBy(100);
    }
    return value;
  }

  private primary(): Dec {
    const token = this.peek();
    if (!token) throw new Unsupported("unexpected end");
    if (token.kind === "num") {
      this.at += 1;
      return new Dec(token.value);
    }
    if (token.kind === "ref") {
      this.at += 1;
      if (this.isOp(":")) throw new Unsupported("a range outside SUM");
      // A blank cell counts as 0 in arithmetic, as in Excel; text is #VALUE!.
      const value = this.lookup(token.row, token.column);
      if (typeof value === "string") throw new Unsupported("text in arithmetic");
      return value ?? new Dec(0);
    }
    if (token.kind === "name") {
      this.at += 1;
      return this.call(token.value);
    }
    if (this.isOp("(")) {
      this.at += 1;
      const value = this.expression();
      this.expect(")");
      return value;
    }
    throw new Unsupported(`unexpected ${token.value}`);
  }

  private args(): Arg[] {
    this.expect("(");
    const args: Arg[] = [];
    if (this.isOp(")")) {
      this.at += 1;
      return args;
    }
    for (;;) {
      args.push(this.argument());
      if (this.isOp(")")) {
        this.at += 1;
        return args;
      }
      this.expect(",");
    }
  }

  private argument(): Arg {
    const first = this.peek();
    const second = this.tokens[this.at + 1];
    const third = this.tokens[this.at + 2];
    if (first?.kind === "ref" && second?.kind === "op" && second.value === ":" && third?.kind === "ref") {
      this.at += 3;
      const values: Dec[] = [];
      for (let row = Math.min(first.row, third.row); row <= Math.max(first.row, third.row); row += 1) {
        for (let column = Math.min(first.column, third.column); column <= Math.max(first.column, third.column); column += 1) {
          // SUM over a range passes over text and blanks, as in Excel.
          const value = this.lookup(row, column);
          if (value !== null && typeof value !== "string") values.push(value);
        }
      }
      return values;
    }
    return this.expression();
  }

  private call(name: string): Dec {
    const args = this.args();
    const numbers = (arg: Arg | undefined): Dec => {
      if (arg === undefined || Array.isArray(arg)) throw new Unsupported(`${name} arguments`);
      return arg;
    };
    switch (name) {
      case "SUM":
        return args.flatMap((arg) => (Array.isArray(arg) ? arg : [arg])).reduce((sum, v) => sum.plus(v), new Dec(0));
      case "ROUND": {
        if (args.length !== 2) throw new Unsupported("ROUND arguments");
        const places = numbers(args[1]);
        if (!places.isInteger() || places.isNegative() || places.greaterThan(10)) throw new Unsupported("ROUND places");
        // Excel rounds halves away from zero; decimal.js's ROUND_HALF_UP does the same.
        return numbers(args[0]).toDecimalPlaces(places.toNumber(), Dec.ROUND_HALF_UP);
      }
      default:
        throw new Unsupported(name);
    }
  }
}

/**
 * The value of `formula`, or null when it uses anything outside the subset above or a cell it
 * needs holds text or an uncomputable formula. Numbers of referenced cells are read through their
 * shortest decimal form (what Excel shows), so 0.1 + 0.2 is 0.3 exactly.
 */
export function evaluateFormula(formula: string, lookup: CellLookup): Dec | null {
  try {
    const tokens = tokenize(formula);
    const parser = new Parser(tokens, (row, column) => {
      const value = lookup(row, column);
      if (value === null || value === "") return null;
      if (value === UNKNOWN) throw new Unsupported("a formula that cannot be computed");
      return typeof value === "string" ? value : new Dec(String(value));
    });
    return parser.parse();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}
