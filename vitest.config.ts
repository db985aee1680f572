import { defineConfig } from "vitest/config";

// One suite, two databases: the `embedded` project runs with DATABASE_URL unset (PGlite);
// the `postgres` project runs only when TEST_DATABASE_URL names a real server (.ci/run sets it).
// *.embedded.test.ts files run only embedded (one-process PGlite behaviour); *.postgres.test.ts
// only on PostgreSQL (several processes sharing one database).
const postgresUrl = process.env.TEST_DATABASE_URL ?? "";

const shared = {
  include: ["tests/**/*.test.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: "embedded", exclude: ["**/*.postgres.test.ts", "**/node_modules/**"], globalSetup: ["tests/support/global-setup.ts"], env: { DATABASE_URL: "", TEST_DB: "embedded" } } },
      ...(postgresUrl
        ? [{ test: { ...shared, name: "postgres", include: ["tests/integration/**/*.test.ts", "tests/golden/**/*.test.ts"], exclude: ["**/*.embedded.test.ts", "**/node_modules/**"], env: { DATABASE_URL: postgresUrl, TEST_DB: "postgres" } } }]
        : []),
    ],
  },
});
