import { createWorker, PSM } from "tesseract.js";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const langPath = path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
let t = Date.now();
const worker = await createWorker("eng", 1, { langPath, cacheMethod: "none", gzip: true });
console.log("start", Date.now() - t);
const img = fs.readFileSync(process.argv[2]);
for (const psm of [process.argv[3] ?? "3"]) {
  await worker.setParameters({ tessedit_pageseg_mode: psm as PSM });
  t = Date.now();
  const r = await worker.recognize(img, {}, { blocks: true, text: false });
  console.log("psm", psm, "rec", Date.now() - t);
  const words = r.data.blocks!.flatMap(b => b.paragraphs.flatMap(p => p.lines.flatMap(l => l.words)));
  console.log(words.length, words.map(w => `${w.text}:${Math.round(w.confidence)}@${w.bbox.x0},${w.bbox.y0}`).join(" "));
  console.log(words.filter(w=>w.confidence<85).map(w => `${w.text}:${Math.round(w.confidence)}`).join(" "));
}
await worker.terminate();
