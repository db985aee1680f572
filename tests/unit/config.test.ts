import path from "node:path";
import { describe, expect, it } from "vitest";
import { settingsFromEnv } from "../../src/config.js";

describe("settingsFromEnv (INTERFACES.md Environment, and the serve/demo variables)", () => {
  it("gives the documented defaults when nothing is set", () => {
    expect(settingsFromEnv({})).toEqual({
      databaseUrl: null,
      dataDir: path.resolve("./data"),
      port: 3000,
      auditSchedule: "0 6 1 * *",
      logLevel: "info",
      sessionSecret: null,
      councilName: null,
      trustProxy: false,
      demoPassword: null,
    });
  });

  it("reads every variable, trimming and treating blank as unset", () => {
    const settings = settingsFromEnv({
      DATABASE_URL: " postgres://db/audit ",
      DATA_DIR: "/srv/pa",
      PORT: "8080",
      AUDIT_SCHEDULE: "0 7 2 * *",
      LOG_LEVEL: "debug",
      SESSION_SECRET: "  s3cret  ",
      COUNCIL_NAME: "Kestrel Vale Council",
      TRUST_PROXY: "1",
      DEMO_PASSWORD: "   ",
    });
    expect(settings).toEqual({
      databaseUrl: "postgres://db/audit",
      dataDir: "/srv/pa",
      port: 8080,
      auditSchedule: "0 7 2 * *",
      logLevel: "debug",
      sessionSecret: "s3cret",
      councilName: "Kestrel Vale Council",
      trustProxy: true,
      demoPassword: null,
    });
  });

  it("keeps a demo password exactly as given", () => {
    expect(settingsFromEnv({ DEMO_PASSWORD: " pass word " }).demoPassword).toBe(" pass word ");
  });

  it("trusts a proxy only for TRUST_PROXY=1, and falls back to port 3000 on a bad PORT", () => {
    expect(settingsFromEnv({ TRUST_PROXY: "true" }).trustProxy).toBe(false);
    expect(settingsFromEnv({ PORT: "eighty" }).port).toBe(3000);
  });
});
