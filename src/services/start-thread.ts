import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The one way a service starts a worker thread on one of its `*.thread.ts` modules. A thread does
 * not inherit the loader that lets the main thread import TypeScript: from the sources (tsx,
 * vitest) it registers tsx before importing the module; from a compiled copy (npm run build) it
 * loads the `.js` beside the caller.
 *
 * `callerUrl` is the caller's import.meta.url; `name` the thread module's name without extension,
 * relative to the caller (e.g. "./audit.thread").
 */
export function startThread(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const fromSources = callerUrl.endsWith(".ts");
  const script = new URL(`${name}${fromSources ? ".ts" : ".js"}`, callerUrl);
  if (!fromSources) return new Worker(script, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
