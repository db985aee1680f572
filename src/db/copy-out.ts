import type { Knex } from "knex";

/**
 * `COPY (select …) TO STDOUT` on a connection of a knex pool (PostgreSQL servers only), each row
 * handed to `onRow` as it arrives, to read its fields in order (CopyTextRow; the same object
 * for every row, so no list is made per row). For reads of many rows: the server
 * writes each value in its plain text form, with none of the cost of building JSON or of the pg
 * driver's row objects and type parsers (bench/README.md step 17). pg-copy-streams does this as
 * a stream; it is not a dependency, and the few lines below are all a read needs.
 *
 * COPY takes no bind parameters: the caller puts only values it has checked (numbers, ids of
 * its own rows) into the statement. Row-level security applies as to any query (COPY TO of a
 * query; only COPY FROM is refused on tables under it).
 */
export async function copyOut(knex: Knex, sql: string, onRow: (row: CopyTextRow) => void): Promise<void> {
  const pool = knex.client as unknown as KnexPool;
  // The pool's hand-out puts the connection in the handle's role and authority (tenancy.ts).
  const connection = await pool.acquireConnection();
  try {
    await new Promise<void>((resolve, reject) => {
      connection.query(new CopyOutQuery(`copy (${sql}) to stdout`, onRow, resolve, reject));
    });
  } finally {
    await pool.releaseConnection(connection);
  }
}

interface KnexPool {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

/** What of pg's Client this uses: it runs any object with `submit` as a query, and hands it the protocol messages. */
interface PgClient {
  query(query: CopyOutQuery): unknown;
}

/** What of pg's Connection this uses. */
interface PgWire {
  query(text: string): void;
  sendCopyFail(message: string): void;
}

/**
 * One COPY TO STDOUT as pg's Client runs it: submitted as a simple query; each CopyData message
 * is one row (PostgreSQL sends a row per message), decoded at once because the driver reuses
 * its buffer. An error ends the query (the client forgets it before ReadyForQuery), so it
 * rejects at once; otherwise ReadyForQuery ends it.
 */
class CopyOutQuery {
  private failure: Error | null = null;
  private readonly row = new CopyTextRow();

  constructor(
    private readonly text: string,
    private readonly onRow: (row: CopyTextRow) => void,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: PgWire): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure !== null) return;
    try {
      this.onRow(this.row.of(message.chunk.toString("utf8")));
    } catch (error) {
      // Keep reading to the end (the protocol has no way to stop a COPY TO short of cancelling), then fail.
      this.failure = error as Error;
    }
  }

  handleCopyInResponse(connection: PgWire): void {
    connection.sendCopyFail("not a COPY FROM");
  }

  handleError(error: Error): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.failure !== null) this.reject(this.failure);
    else this.resolve();
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/**
 * One row of COPY's text format, read field by field: fields end at tabs, `\N` is NULL, and the
 * escapes COPY TO writes (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`) are undone. The row ends with
 * a newline.
 */
export class CopyTextRow {
  private text = "";
  private at = 0;
  private end = 0;

  /** This object, reading `text` from its first field. */
  of(text: string): this {
    this.text = text;
    this.at = 0;
    this.end = text.endsWith("\n") ? text.length - 1 : text.length;
    return this;
  }

  /** Whether a field is left to read. */
  get more(): boolean {
    return this.at <= this.end;
  }

  /** The next field (NULL as null). */
  next(): string | null {
    let tab = this.text.indexOf("\t", this.at);
    if (tab === -1 || tab > this.end) tab = this.end;
    const field = this.text.slice(this.at, tab);
    this.at = tab + 1;
    if (field === "\\N") return null;
    return field.indexOf("\\") === -1 ? field : unescapeCopyText(field);
  }

  /** The next field, which the query makes never NULL. */
  nextText(): string {
    const field = this.next();
    if (field === null) throw new Error("COPY gave NULL for a field that cannot be NULL");
    return field;
  }

  /** The next field as `next`, but the one copy of it that `strings` holds when there is one. */
  nextShared(strings: SharedStrings): string | null {
    const field = this.next();
    return field === null ? null : strings.of(field);
  }

  /** The next field as `nextText`, but the one copy of it that `strings` holds when there is one. */
  nextSharedText(strings: SharedStrings): string {
    return strings.of(this.nextText());
  }
}

/**
 * One copy of each distinct value read, for fields that repeat across rows (dates, items, a
 * child's reference, an agreed fee). Each field read is a new string, and a longer one (13
 * characters or more) is a slice that keeps its whole row's text alive; rows held for a while
 * (a provider's invoices, read ahead) survive young-generation collections and are copied
 * into the old one, which is most of what the audit process's garbage collection costs. With
 * the values shared, the fresh strings die young and a row's text with them (bench/README.md
 * step 18). A string is immutable, so sharing changes nothing a reader can see.
 */
export class SharedStrings {
  private readonly seen = new Map<string, string>();

  /** How many distinct values it holds. */
  get size(): number {
    return this.seen.size;
  }

  of(value: string): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    // A slice would keep its row's text alive in the map: keep a copy of its own instead.
    const own = value.length >= 13 ? flatCopy(value) : value;
    this.seen.set(own, own);
    return own;
  }
}

/** A string that shares no storage with `value` (V8 makes slices of 13 characters or more share their parent's). */
function flatCopy(value: string): string {
  // Through JSON rather than bytes: exact for any string, a lone surrogate included.
  return JSON.parse(JSON.stringify(value)) as string;
}

/** Every field of one row (for tests and small reads). */
export function copyTextFields(text: string): (string | null)[] {
  const row = new CopyTextRow().of(text);
  const fields: (string | null)[] = [];
  while (row.more) fields.push(row.next());
  return fields;
}

const ESCAPED: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/gs, (_match, char: string) => ESCAPED[char] ?? char);
}
