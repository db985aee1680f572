import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

/**
 * Lets other local processes use an embedded database this process holds, through it: the
 * PostgreSQL wire protocol on a Unix socket in DATA_DIR, answered by PGlite itself
 * (`execProtocolRaw`). Only this process ever opens the PGlite directory, so the one-process
 * rule that keeps committed rows safe still holds; `serve` or `demo` can run while `findings`,
 * `invoices` or `report` reach the same data. (@electric-sql/pglite-socket does the same but
 * pins another PGlite version as a peer; this is the part of it we need.)
 *
 * PGlite has one session for everyone, so each client's work is made exclusive: a client's
 * messages run under PGlite's query lock, which is held from a client's first message until
 * its transaction (an explicit BEGIN…COMMIT, or an extended-protocol exchange up to its Sync)
 * is over; and a client waits while this process's own transaction is open. A client that
 * goes away in a transaction is rolled back; one idle in a transaction for IDLE_MS is cut off.
 *
 * The socket is a file only its owner may use (mode 0600, in a 0700 folder), as safe as the
 * data directory itself; no password is asked.
 */
export const SHARE_DIR = "database.socket";
/** pg finds a Unix socket as `<host>/.s.PGSQL.<port>`. */
export const SHARE_PORT = 5432;
/** Longest Unix socket path Linux and macOS accept (sun_path), less its terminator. */
const MAX_SOCKET_PATH = 103;
const IDLE_MS = 30_000;

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Extended-protocol messages: the exchange is one unit until the Sync. */
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H", "F"]);

export interface EmbeddedShare {
  /** The folder to give pg as `host` (with port SHARE_PORT). */
  socketDir: string;
  close(): Promise<void>;
}

export function socketPathFor(dataDir: string): string {
  return path.join(path.resolve(dataDir), SHARE_DIR, `.s.PGSQL.${SHARE_PORT}`);
}

/** Whether the data directory's path leaves room for a socket (null: it does not, or the platform has none). */
export function canShare(dataDir: string): boolean {
  return process.platform !== "win32" && socketPathFor(dataDir).length <= MAX_SOCKET_PATH;
}

function rollbackMessage(): Uint8Array {
  return simpleQuery("ROLLBACK");
}

/** A simple-protocol query message (its reply is read by no one). */
function simpleQuery(text: string): Uint8Array {
  const sql = Buffer.from(`${text}\0`, "utf8");
  const message = Buffer.alloc(5 + sql.length);
  message.write("Q", 0, "latin1");
  message.writeInt32BE(4 + sql.length, 1);
  sql.copy(message, 5);
  return message;
}

let sessionCount = 0;

/**
 * The role and app.authority_id are session state, and PGlite has one session for this process
 * and every client: each party's are kept in placeholder settings while another holds the
 * database, so a client's queries run as the role and council it set (src/db/tenancy.ts) and
 * this process's own as it set them, whoever ran in between.
 */
const SAVE_HOLDER = "select set_config('pa_share.holder_role', current_setting('role'), false), set_config('pa_share.holder_authority', coalesce(current_setting('app.authority_id', true), ''), false)";
const RESTORE_HOLDER = "select set_config('role', current_setting('pa_share.holder_role'), false), set_config('app.authority_id', current_setting('pa_share.holder_authority'), false)";

class Session {
  /** This client's placeholder settings' prefix. */
  private readonly stateKey = `pa_share.client_${++sessionCount}`;
  private buffer = Buffer.alloc(0);
  private started = false;
  private queue: { bytes: Buffer; startup: boolean }[] = [];
  private pumping = false;
  /** Set while this client holds PGlite's query lock; calling it lets go. */
  private release: (() => void) | null = null;
  private inExtended = false;
  private idle: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: PGlite,
    private readonly socket: net.Socket,
  ) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("close", () => void this.end());
    socket.on("error", () => void this.end());
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          this.socket.write("N"); // no encryption on a local socket
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end(); // PGlite has no backend to signal
          return;
        }
        if (code !== PROTOCOL_3) {
          this.socket.destroy();
          return;
        }
        this.started = true;
        this.queue.push({ bytes: Buffer.from(message), startup: true });
        continue;
      }
      if (this.buffer.length < 5) break;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) break;
      this.queue.push({ bytes: Buffer.from(this.buffer.subarray(0, length)), startup: false });
      this.buffer = this.buffer.subarray(length);
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        if (!this.release) {
          await this.acquire();
          await this.enter();
        }
        const message = this.queue.shift();
        if (!message) break;
        await this.run(message);
        if (!this.db.isInTransaction() && !this.inExtended && this.queue.length === 0) {
          await this.leave();
          this.letGo();
        }
      }
    } catch {
      this.socket.destroy();
    } finally {
      this.pumping = false;
    }
    this.watchIdle();
  }

  /** Takes PGlite's query lock at a moment when no transaction of someone else is open. */
  private async acquire(): Promise<void> {
    for (;;) {
      const held = await new Promise<boolean>((resolveAcquire) => {
        void this.db.runExclusive(async () => {
          if (this.db.isInTransaction()) {
            resolveAcquire(false);
            return;
          }
          await new Promise<void>((release) => {
            this.release = release;
            resolveAcquire(true);
          });
        });
      });
      if (held) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Holding the database: keep this process's role and council aside, put this client's back (a new client starts as the owner, with no council). */
  private async enter(): Promise<void> {
    await this.db.execProtocolRaw(simpleQuery(`${SAVE_HOLDER}; select set_config('role', coalesce(nullif(current_setting('${this.stateKey}_role', true), ''), 'none'), false), set_config('app.authority_id', coalesce(current_setting('${this.stateKey}_authority', true), ''), false)`));
  }

  /** Letting go: keep this client's role and council aside, put this process's back. */
  private async leave(): Promise<void> {
    await this.db.execProtocolRaw(simpleQuery(`select set_config('${this.stateKey}_role', current_setting('role'), false), set_config('${this.stateKey}_authority', coalesce(current_setting('app.authority_id', true), ''), false); ${RESTORE_HOLDER}`));
  }

  private letGo(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  private async run({ bytes: message, startup }: { bytes: Buffer; startup: boolean }): Promise<void> {
    const type = startup ? "" : String.fromCharCode(message[0] ?? 0);
    if (type === "X") {
      this.socket.end();
      return;
    }
    if (EXTENDED.has(type)) this.inExtended = true;
    if (type === "S" || type === "Q") this.inExtended = false;
    const reply = await this.db.execProtocolRaw(new Uint8Array(message.buffer, message.byteOffset, message.length));
    if (reply.length > 0 && !this.socket.destroyed) this.socket.write(reply);
  }

  /** A client idle while it holds the database (a transaction left open) is rolled back and cut off. */
  private watchIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = this.release ? setTimeout(() => this.socket.destroy(), IDLE_MS) : null;
    this.idle?.unref();
  }

  async end(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    if (this.idle) clearTimeout(this.idle);
    if (this.release) {
      try {
        if (this.db.isInTransaction()) await this.db.execProtocolRaw(rollbackMessage());
        await this.leave();
      } finally {
        this.letGo();
      }
    }
  }
}

/** Starts answering on DATA_DIR/database.socket/.s.PGSQL.5432 (a stale socket file is replaced: the caller holds the lock). */
export async function shareEmbedded(db: PGlite, dataDir: string): Promise<EmbeddedShare> {
  const socketPath = socketPathFor(dataDir);
  const socketDir = path.dirname(socketPath);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(socketDir, 0o700);
  fs.rmSync(socketPath, { force: true });
  const sessions = new Set<Session>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const session = new Session(db, socket);
    sessions.add(session);
    socket.on("close", () => {
      sockets.delete(socket);
      sessions.delete(session);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  server.unref();
  return {
    socketDir,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([...sessions].map((s) => s.end()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(socketPath, { force: true });
    },
  };
}
