import type { Knex } from "knex";

/**
 * `COPY (select …) TO STDOUT` on a connection of a knex pool (PostgreSQL servers only), each row
 * handed to `onRow` as its text-format fields as it arrives. For reads of many rows: the server
 * writes each value in its plain text form, with none of the cost of building JSON or of the pg
 * driver's row objects and type parsers (bench/README.md step 17). pg-copy-streams does this as
 * a stream; it is not a dependency, and the few lines below are all a read needs.
 *
 * COPY takes no bind parameters: the caller puts only values it has checked (numbers, ids of
 * its own rows) or quoted with `quoteLiteral` into the statement. Row-level security applies as
 * to any query (COPY TO of a query; only COPY FROM is refused on tables under it).
 */
export async function copyOut(knex: Knex, sql: string, onRow: (fields: (string | null)[]) => void): Promise<void> {
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

/** A string as an SQL literal ('…', quotes doubled; standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
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

  constructor(
    private readonly text: string,
    private readonly onRow: (fields: (string | null)[]) => void,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: PgWire): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure !== null) return;
    try {
      this.onRow(copyTextFields(message.chunk.toString("utf8")));
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
 * One row of COPY's text format: fields split at tabs, `\N` for NULL, and the escapes COPY TO
 * writes (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`) undone. The row ends with a newline.
 */
export function copyTextFields(row: string): (string | null)[] {
  const fields: (string | null)[] = [];
  const end = row.endsWith("\n") ? row.length - 1 : row.length;
  let start = 0;
  for (;;) {
    let tab = row.indexOf("\t", start);
    if (tab === -1 || tab > end) tab = end;
    const field = row.slice(start, tab);
    fields.push(field === "\\N" ? null : field.indexOf("\\") === -1 ? field : unescapeCopyText(field));
    if (tab >= end) return fields;
    start = tab + 1;
  }
}

const ESCAPED: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/gs, (_match, char: string) => ESCAPED[char] ?? char);
}
