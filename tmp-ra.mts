import fs from "node:fs";
import { sharedOcrEngine } from "./src/ingest/ocr/ocr-engine.js";
const p = await sharedOcrEngine().recognize(fs.readFileSync(process.argv[2]!));
for (const b of p.blocks!) for (const pa of b.paragraphs) for (const l of pa.lines) console.log(JSON.stringify(l.rowAttributes), JSON.stringify(l.baseline), l.words.map(w => `${w.text}[${w.bbox.x0}-${w.bbox.x1},${w.bbox.y0}-${w.bbox.y1}]`).join(" "));
await sharedOcrEngine().stop();
