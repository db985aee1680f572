import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

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
