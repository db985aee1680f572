import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { PASSWORD } from "../integration/web-seed.js";

/** What the browser tests share: Debian's Chromium, headless; axe-core scans; signing in by the form. */
export const SCREENSHOTS = path.resolve("tests/output/screenshots");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const SLOW = 180_000;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/** Screenshot the page and scan it with axe-core; returns the violations, described. */
export async function check(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.addScriptTag({ path: AXE });
  // A string, not a function: the test is compiled without the DOM's types.
  const result = await page.evaluate<AxeResult>(`axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(AXE_TAGS)} } })`);
  return result.violations.map((v) => `${name}: ${v.id} (${v.impact ?? "?"}) ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

export async function signInAt(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}
