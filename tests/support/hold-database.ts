// Child process for the lock test: opens the embedded database in DATA_DIR, inserts the
// number of rows given in argv, says "ready", and keeps the database open until stdin closes.
// With SHARE=1 it shares the database as serve and demo do (src/db/embedded-share.ts).
import { openDatabase } from "../../src/db/connection.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { isAppError } from "../../src/domain/errors.js";

const dataDir = process.env.DATA_DIR ?? "";
const rows = Number(process.argv[2] ?? "0");
try {
  const db = await openDatabase({ databaseUrl: null, dataDir, share: process.env.SHARE === "1" });
  await migrateLatest(db.knex);
  for (let i = 0; i < rows; i++) {
    await db.knex("audit_log").insert({ actor: `pid-${process.pid}`, action: "test", entity: "row", entity_id: String(i) });
  }
  process.stdout.write("ready\n");
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
  await db.close();
  process.exit(0);
} catch (error) {
  if (isAppError(error)) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
