/** Small helpers shared by the benchmarks: arguments, figures, the machine's load. */
import os from "node:os";

/** The value after `--name` (or in `--name=value`), undefined when absent. */
export function argValue(name: string, argv: readonly string[] = process.argv): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === name) return argv[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

export function hasFlag(name: string, argv: readonly string[] = process.argv): boolean {
  return argv.includes(name);
}

/** 12345.6 → "12,346". */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString("en-GB");
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** "load 3.21 2.80 2.10 (2 cores)". */
export function loadText(): string {
  const [one, five, fifteen] = os.loadavg();
  return `load ${one?.toFixed(2)} ${five?.toFixed(2)} ${fifteen?.toFixed(2)} (${os.cpus().length} cores)`;
}

export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

const RESULT_PREFIX = "BENCH_RESULT ";

/** Prints a phase's figures for the parent process to read (one JSON line). */
export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Runs a benchmark script in a child process (its own heap, so its peak RSS is its own), passing
 * its ordinary output through and returning the figures it emitted.
 */
export async function runChild<T>(script: string, args: readonly string[], options: { nodeArgs?: readonly string[]; quiet?: boolean } = {}): Promise<T> {
  const { spawn } = await import("node:child_process");
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let result: T | undefined;
    let buffer = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
        else if (!options.quiet) process.stdout.write(`${line}\n`);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${script} ${args.join(" ")} exited with ${code}`));
      else if (result === undefined) reject(new Error(`${script} printed no result`));
      else resolve(result);
    });
  });
}

function cookieNamed(response: Response, name: string): string | null {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    if (pair?.startsWith(`${name}=`)) return pair;
  }
  return null;
}

/** Signs in through the form, as a browser does: the pre-sign-in CSRF token first, then the form. Returns the session cookie. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const session = await fetch(`${url}/api/session`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const body = new URLSearchParams({ username, password, _csrf: csrfToken });
  const response = await fetch(`${url}/sign-in`, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { cookie: cookieNamed(session, "pa.pre") ?? "", "content-type": "application/x-www-form-urlencoded" },
  });
  const cookie = cookieNamed(response, "pa.sid");
  if (response.status !== 303 || !cookie) throw new Error(`sign-in failed: ${response.status}`);
  return cookie;
}
