import type { Knex } from "knex";

/**
 * `COPY (select …) TO STDOUT` on a connection of a knex pool (PostgreSQL servers only), every
 * row's bytes kept as they came, in one buffer outside V8's heap, to be read with
 * CopyTextRow (row after row: `nextRowStart`) when they are needed. For reads of many rows: the server writes each value in
 * its plain text form, with none of the cost of building JSON or of the pg driver's row objects
 * and type parsers (bench/README.md step 17); and rows read ahead of their use wait as bytes,
 * which no garbage collection copies, rather than as objects that would outlive young-generation
 * collections and be copied, into the old generation at the second (step 19). pg-copy-streams
 * does this as a stream; it is not a dependency, and the few lines below are all a read needs.
 *
 * COPY takes no bind parameters: the caller puts only values it has checked (numbers, ids of
 * its own rows) into the statement. Row-level security applies as to any query (COPY TO of a
 * query; only COPY FROM is refused on tables under it).
 */
export async function copyOutBytes(knex: Knex, sql: string): Promise<Buffer> {
  const bytes = new GrowingBytes();
  await copyOutChunks(knex, sql, (chunk) => bytes.append(chunk));
  return bytes.done();
}

async function copyOutChunks(knex: Knex, sql: string, onChunk: (chunk: Buffer) => void): Promise<void> {
  const pool = knex.client as unknown as KnexPool;
  // The pool's hand-out puts the connection in the handle's role and authority (tenancy.ts).
  const connection = await pool.acquireConnection();
  try {
    await new Promise<void>((resolve, reject) => {
      connection.query(new CopyOutQuery(`copy (${sql}) to stdout`, onChunk, resolve, reject));
    });
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** Bytes appended into one buffer that doubles when full (Buffer.allocUnsafe: outside V8's heap at these sizes). */
class GrowingBytes {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  append(chunk: Buffer): void {
    if (this.length + chunk.length > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + chunk.length));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  done(): Buffer {
    return this.buffer.subarray(0, this.length);
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
 * is one row (PostgreSQL sends a row per message), handed on at once because the driver reuses
 * its buffer. An error ends the query (the client forgets it before ReadyForQuery), so it
 * rejects at once; otherwise ReadyForQuery ends it.
 */
class CopyOutQuery {
  private failure: Error | null = null;

  constructor(
    private readonly text: string,
    private readonly onChunk: (chunk: Buffer) => void,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: PgWire): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure !== null) return;
    try {
      this.onChunk(message.chunk);
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

/** The bytes COPY's text format gives a meaning: a tab ends a field, a newline a row, a backslash escapes. */
const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const LETTER_N = 0x4e;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

const NO_BYTES = Buffer.alloc(0);

/**
 * One row of COPY's text format, read field by field from the bytes of its CopyData message:
 * fields end at tabs, `\N` is NULL, and the escapes COPY TO writes (`\\`, `\t`, `\n`, `\r`,
 * `\b`, `\f`, `\v`) are undone. The row ends with a newline. The row is never made one string:
 * a field becomes a string only when it is read as one, and a repeated one (nextShared) not even
 * then, which at a million lines is most of the reader's garbage (bench/README.md step 19).
 * UTF-8 keeps a tab's byte out of every other character's bytes, so fields split as bytes.
 */
export class CopyTextRow {
  private bytes: Buffer = NO_BYTES;
  private at = 0;
  private end = 0;
  /** Where the field last found starts and stops (stop: its tab, or the row's end). */
  private start = 0;
  private stop = 0;
  /** Whether the field found last was the row's last. */
  private done = false;
  /** The FNV-1a hash of the field found last (SharedStrings), and whether it holds an escape. */
  private hash = 0;
  private escaped = false;

  /**
   * This object, reading the row that starts at bytes[start] from its first field, up to its
   * newline or `stop` (read it at once: a driver's buffer is reused).
   */
  of(bytes: Buffer, start = 0, stop = bytes.length): this {
    this.bytes = bytes;
    this.at = start;
    this.end = stop > start && bytes[stop - 1] === NEWLINE ? stop - 1 : stop;
    this.done = false;
    return this;
  }

  /** Whether a field is left to read. */
  get more(): boolean {
    return !this.done;
  }

  /** Where the row after this one starts (past this row's newline). */
  nextRowStart(): number {
    if (this.done) return this.stop + 1;
    const bytes = this.bytes;
    let i = this.at;
    while (i < this.end && bytes[i] !== NEWLINE) i++;
    return i + 1;
  }

  /** The next field (NULL as null). */
  next(): string | null {
    if (!this.advance()) return null;
    return this.decoded();
  }

  /** The next field, which the query makes never NULL. */
  nextText(): string {
    const field = this.next();
    if (field === null) throw new Error("COPY gave NULL for a field that cannot be NULL");
    return field;
  }

  /**
   * The next field, which the query makes a never-NULL integer (an id, a line number), as a
   * number, read from its digits without making a string. Anything but plain digits is read as
   * `Number` reads its text; an integer past 2^53 is refused (it would not be exact).
   */
  nextInteger(): number {
    if (!this.advance()) throw new Error("COPY gave NULL for a field that cannot be NULL");
    const bytes = this.bytes;
    const negative = this.stop > this.start && bytes[this.start] === MINUS;
    let value = 0;
    let i = negative ? this.start + 1 : this.start;
    if (i === this.stop) return Number(this.decoded());
    for (; i < this.stop; i++) {
      const byte = bytes[i] as number;
      if (byte < DIGIT_0 || byte > DIGIT_9) return Number(this.decoded());
      value = value * 10 + (byte - DIGIT_0);
    }
    if (!Number.isSafeInteger(value)) throw new Error(`COPY gave an integer past 2^53: ${this.decoded()}`);
    return negative ? -value : value;
  }

  /** The next field as `next`, but the one copy of it that `strings` holds, made only the first time it is read. */
  nextShared(strings: SharedStrings): string | null {
    if (!this.advance()) return null;
    // An escaped field is rare (a tab or backslash in a description): decoded, not shared.
    return this.escaped ? this.decoded() : strings.of(this.bytes, this.start, this.stop, this.hash);
  }

  /** The next field as `nextText`, but the one copy of it that `strings` holds. */
  nextSharedText(strings: SharedStrings): string {
    const field = this.nextShared(strings);
    if (field === null) throw new Error("COPY gave NULL for a field that cannot be NULL");
    return field;
  }

  /** Finds the next field, its hash and whether it holds an escape, in one pass over its bytes; false when it is NULL. */
  private advance(): boolean {
    const bytes = this.bytes;
    const end = this.end;
    let i = this.at;
    let hash = FNV_OFFSET;
    let escaped = false;
    this.start = i;
    for (; i < end; i++) {
      const byte = bytes[i] as number;
      if (byte === TAB || byte === NEWLINE) break;
      if (byte === BACKSLASH) escaped = true;
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
    this.stop = i;
    this.at = i + 1;
    this.done = i >= end || bytes[i] === NEWLINE;
    this.hash = hash;
    this.escaped = escaped;
    return !(i - this.start === 2 && bytes[this.start] === BACKSLASH && bytes[this.start + 1] === LETTER_N);
  }

  /** The field found last, as a string of its own (never a slice of the row), escapes undone. */
  private decoded(): string {
    const text = this.bytes.toString("utf8", this.start, this.stop);
    return this.escaped ? unescapeCopyText(text) : text;
  }
}

/**
 * One copy of each distinct value read, for fields that repeat across rows (dates, items, a
 * child's reference, an agreed fee), found by the field's bytes: a repeat makes no string at
 * all, and the first reading is a string of its own, not a slice of its row. Rows held for a
 * while (a provider's invoices, read ahead) survive young-generation collections and are copied
 * into the old one, which is most of what the audit process's garbage collection costs; fresh
 * strings per field were the largest part of the reader's garbage (bench/README.md steps 18
 * and 19). A string is immutable, so sharing changes nothing a reader can see.
 */
export class SharedStrings {
  /** Values by a hash of their bytes; values whose hashes meet are chained. */
  private readonly byHash = new Map<number, SharedValue>();
  private count = 0;

  /** How many distinct values it holds. */
  get size(): number {
    return this.count;
  }

  /**
   * The one copy of the text whose UTF-8 bytes are bytes[start, stop), `hash` their FNV-1a hash
   * (fnv1a; CopyTextRow works it out as it finds the field): no string is made to look it up.
   */
  of(bytes: Buffer, start: number, stop: number, hash = fnv1a(bytes, start, stop)): string {
    const first = this.byHash.get(hash);
    for (let known = first; known !== undefined; known = known.next) if (known.matches(bytes, start, stop)) return known.text;
    const text = bytes.toString("utf8", start, stop);
    this.byHash.set(hash, new SharedValue(text, bytes, start, stop, first));
    this.count++;
    return text;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The 32-bit FNV-1a hash of bytes[start, stop): a few operations a byte. */
function fnv1a(bytes: Uint8Array, start: number, stop: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < stop; i++) hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME);
  return hash;
}

class SharedValue {
  /** A copy of the bytes when the text is not ASCII; ASCII text is compared by its characters. */
  private readonly utf8: Uint8Array | null;

  constructor(
    readonly text: string,
    bytes: Buffer,
    start: number,
    stop: number,
    readonly next: SharedValue | undefined,
  ) {
    // One UTF-16 unit per byte only when every byte is ASCII (other characters take 2–4 bytes for 1–2 units).
    this.utf8 = text.length === stop - start ? null : Uint8Array.prototype.slice.call(bytes, start, stop);
  }

  matches(bytes: Buffer, start: number, stop: number): boolean {
    const length = stop - start;
    const utf8 = this.utf8;
    if (utf8 === null) {
      const text = this.text;
      if (text.length !== length) return false;
      for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
      return true;
    }
    if (utf8.length !== length) return false;
    for (let i = 0; i < length; i++) if (utf8[i] !== bytes[start + i]) return false;
    return true;
  }
}

/** Every field of one row (for tests and small reads). */
export function copyTextFields(text: string): (string | null)[] {
  const row = new CopyTextRow().of(Buffer.from(text, "utf8"));
  const fields: (string | null)[] = [];
  while (row.more) fields.push(row.next());
  return fields;
}

const ESCAPED: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/gs, (_match, char: string) => ESCAPED[char] ?? char);
}
