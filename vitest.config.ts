import os from "node:os";
import { defineConfig } from "vitest/config";
import type { Reporter, Vitest } from "vitest/node";

// Four projects (README "Tests"):
// - `unit`: tests/unit, pure code and real files, no database (`npm run test:unit`, seconds);
// - `embedded`: tests/integration and tests/golden on the embedded database (PGlite), which
//   global-setup.ts migrates once per run; *.embedded.test.ts files run only here (one-process
//   PGlite behaviour, or no database at all: the parse pool's worker threads);
// - `e2e`: tests/e2e in a real browser (`npm run test:e2e`, needs Debian's chromium);
// - `postgres`: tests/integration and tests/golden on the real server named by
//   TEST_DATABASE_URL (`npm run test:postgres`; .ci/run sets it); *.postgres.test.ts only here;
//   postgres-global-setup.ts migrates one template database per run that each file's database copies.
// `npm test` is unit + embedded: what a fresh machine without Chromium or PostgreSQL can run.
const postgresUrl = process.env.TEST_DATABASE_URL ?? "";

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
};
const DATABASE_TESTS = ["tests/integration/**/*.test.ts", "tests/golden/**/*.test.ts"];
const embedded = { globalSetup: ["tests/support/global-setup.ts"], env: { DATABASE_URL: "", TEST_DB: "embedded" } };

/** After a run without the browser tests, one line says so and how to run them. */
class BrowserTestsNotice implements Reporter {
  private vitest: Vitest | null = null;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(): void {
    if (this.vitest && !this.vitest.projects.some((project) => project.name === "e2e")) {
      console.log("Browser tests (tests/e2e) were not run: `npm run test:e2e` runs them (needs Chromium: apt-get install chromium).");
    }
  }
}

// Vitest runs max(cores − 1, 1) files at a time by default: one at a time on the 2-core CI
// machine, where most files spend much of their time waiting (on PostgreSQL, child processes,
// Chromium, timers) and the second core idled. Two workers keep both cores busy.
const maxWorkers = Math.max(2, os.availableParallelism() - 1);

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ["default", new BrowserTestsNotice()],
    projects: [
      // Unit tests keep no state between files (no mocks, no env changes), so they share modules:
      // without isolation the run took a third of the time (the engine, readers and pdfjs load once per worker).
      { test: { ...shared, name: "unit", include: ["tests/unit/**/*.test.ts"], isolate: false, env: { DATABASE_URL: "" } } },
      // The embedded files share modules too (isolate: false): each file opens its own database copy,
      // restores any environment variable it sets, and keys every process-wide set (data-directory
      // locks, live workers) by its own directory or id, so a file finds the state another left
      // only in the shared sandbox and OCR pools, which are meant to be shared. Isolated, each file
      // spent seconds loading the app's modules again.
      { test: { ...shared, ...embedded, name: "embedded", include: DATABASE_TESTS, exclude: ["**/*.postgres.test.ts", "**/node_modules/**"], isolate: false } },
      { test: { ...shared, ...embedded, name: "e2e", include: ["tests/e2e/**/*.test.ts"] } },
      ...(postgresUrl
        ? [{ test: { ...shared, name: "postgres", include: DATABASE_TESTS, exclude: ["**/*.embedded.test.ts", "**/node_modules/**"], globalSetup: ["tests/support/postgres-global-setup.ts"], env: { DATABASE_URL: postgresUrl, TEST_DB: "postgres" } } }]
        : []),
    ],
  },
});
