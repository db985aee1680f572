// Child process for the lock-takeover test: on "try <dir> <startAtMs>" it waits for the
// shared start time, tries lockDataDir(dir) and prints "got" or "refused"; on "release" it
// lets go of what it holds and prints "released". One process serves every round.
import readline from "node:readline";
import { lockDataDir, type DataDirLock } from "../../src/db/data-dir-lock.js";
import { isAppError } from "../../src/domain/errors.js";

let held: DataDirLock | null = null;
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, dir, startAt] = line.split(" ");
  if (command === "try" && dir) {
    while (Date.now() < Number(startAt)) {
      // Spin until the shared start: the four contenders act within a millisecond of each other.
    }
    try {
      held = lockDataDir(dir);
      process.stdout.write("got\n");
    } catch (error) {
      process.stdout.write(isAppError(error) && error.code === "database.in_use" ? "refused\n" : `error ${String(error)}\n`);
    }
  } else if (command === "release") {
    held?.release();
    held = null;
    process.stdout.write("released\n");
  }
}
