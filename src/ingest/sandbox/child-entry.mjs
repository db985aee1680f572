/**
 * How pool.ts starts a parser child from the TypeScript sources: with plain node, not
 * `node --import tsx`. pdfjs (3 MB of JavaScript and 7 MB of source maps) is loaded first,
 * before tsx is registered, because loaded through tsx's hooks it cost a child about 370 MB
 * of resident memory and 5 s before its first PDF; loaded plainly, about 40 MB and 0.5 s
 * (bench/hostile.bench.ts). Importing the worker module sets `globalThis.pdfjsWorker`, which
 * pdfjs then uses in this thread instead of loading it again. Only then is tsx registered for
 * the readers' own TypeScript (child.ts and what it imports, or the child module named by the
 * first argument: inspect.ts starts inspect-child.ts this way).
 */
import "pdfjs-dist/legacy/build/pdf.mjs";
import "pdfjs-dist/legacy/build/pdf.worker.mjs";
import process from "node:process";
import { register } from "tsx/esm/api";

register();
const CHILDREN = { parse: "./child.ts", inspect: "./inspect-child.ts" };
await import(CHILDREN[process.argv[2] ?? "parse"] ?? CHILDREN.parse);
