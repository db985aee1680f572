// For the knex CLI (`NODE_OPTIONS=--import=tsx npx knex migrate:latest`). The application
// itself migrates through src/db/migrate.ts, which also serves the embedded database.
import type { Knex } from "knex";
import { migrationSource } from "./src/db/migrations/index.js";

const config: Knex.Config = {
  client: "pg",
  connection: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  migrations: { migrationSource, tableName: "knex_migrations" },
};

export default config;
