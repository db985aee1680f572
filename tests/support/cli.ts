import { PassThrough, Readable, Writable } from "node:stream";
import type { CommandContext } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { settingsFromEnv } from "../../src/config.js";
import { forAuthority, type Database } from "../../src/db/connection.js";
import { silentLogger } from "../../src/logger.js";

/** A writable stream that keeps what the command printed. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

/** Runs `placement-audit <argv…>` in this process, as the bin script would, and keeps its output. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}

/** A command's context on a test database (authority 1), with what it prints kept. */
export function commandContext(db: Database, dataDir: string, stdinText = ""): { context: CommandContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    context: {
      settings: settingsFromEnv({ DATA_DIR: dataDir }),
      logger: silentLogger(),
      database: () => Promise.resolve(forAuthority(db, 1)),
      deployment: () => Promise.resolve(db),
      chosenAuthorityId: () => Promise.resolve(1),
      authorityId: () => Promise.resolve(1),
      stdout,
      stderr,
      stdin: Readable.from([stdinText]),
    },
    out: () => out,
    err: () => err,
  };
}
