// Entry of an audit thread (audit-threads.ts). A worker thread does not inherit the loader
// that lets the main thread import TypeScript, so it registers tsx itself, unless it runs
// from a compiled copy (npm run build), where audit-thread.js sits beside this file.
import { existsSync } from "node:fs";

const compiled = new URL("./audit-thread.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("./audit-thread.ts", import.meta.url).href);
}
