import { describe, expect, it } from "vitest";
import { Capture } from "../../support/cli.js";
import { main } from "../../../src/cli/main.js";
import { COMMANDS } from "../../../src/cli/commands/index.js";
import { logFormatFor, textLine } from "../../../src/logger.js";

describe("the command line's help", () => {
  it("lists every command and both reports, query-pack included", async () => {
    const stdout = new Capture();
    expect(await main(["--help"], { stdout, stderr: new Capture() })).toBe(0);
    for (const command of COMMANDS) expect(stdout.text).toContain(`  ${command.synopsis}`);
    expect(stdout.text).toMatch(/\n {2}report query-pack \[--provider ID\] --out FILE\.xlsx\|FILE\.html\|FOLDER +Write the query pack to send a provider/);
    expect(stdout.text).toMatch(/\n {2}authority show \| set /);
  });

  it("loads, for each entry of the table, the command of that name", async () => {
    for (const entry of COMMANDS) expect((await entry.load()).name).toBe(entry.name);
  });

  it("gives a command's own help with its usage line", async () => {
    const stdout = new Capture();
    expect(await main(["findings", "--help"], { stdout, stderr: new Capture() })).toBe(0);
    expect(stdout.text.split("\n")[0]).toBe("Usage: placement-audit findings [--month YYYY-MM] [--status S] [--provider ID] --format json|csv|table");
  });
});

describe("log lines", () => {
  it("are JSON only when asked for or when not on a terminal", () => {
    expect(logFormatFor({}, true)).toBe("text");
    expect(logFormatFor({}, false)).toBe("json");
    expect(logFormatFor({ LOG_FORMAT: "json" }, true)).toBe("json");
    expect(logFormatFor({ LOG_FORMAT: "TEXT" }, false)).toBe("text");
  });

  it("read as words on a terminal: time, level, message, then key=value with the run last", () => {
    expect(textLine({ level: "info", message: "audit finished", timestamp: "09:14:02", runId: "ab12cd34", invoices: 12, scope: "2026-10" }))
      .toBe("09:14:02 info  audit finished: invoices=12 scope=2026-10 run=ab12cd34");
    expect(textLine({ level: "warn", message: "file refused", timestamp: "09:14:03", reason: "not a PDF" })).toBe(`09:14:03 warn  file refused: reason="not a PDF"`);
  });
});
