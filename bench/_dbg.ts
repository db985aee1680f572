import fs from "node:fs";
import { readLayout } from "../src/ingest/index.js";
import { detectHeaderAt, assignToColumns } from "../src/ingest/extract/columns.js";
import { emptyConfig } from "../src/ingest/extract/config.js";
const file = process.argv[2]!; const want = Number(process.argv[3] ?? 0);
const doc = await readLayout(file, fs.readFileSync(file));
let header = null as ReturnType<typeof detectHeaderAt>;
doc.rows.forEach((r, i) => {
  const h = detectHeaderAt(doc.rows, i, emptyConfig());
  if (h) { header = h; console.log("HEADER", h.columns.map((c) => `${c.heading}=${c.field}@${c.left.toFixed(0)}-${c.right.toFixed(0)}`).join(" | ")); return; }
  if (!header || (want && r.page !== want)) return;
  const placed = assignToColumns(r, header.columns);
  console.log(`p${r.page}r${r.rowNumber} items=${(r.items ?? []).map((x) => `[${x.text}@${x.left.toFixed(0)}-${x.right.toFixed(0)}]`).join("")}\n   -> ` + [...placed.entries()].map(([k, v]) => `${header!.columns[k]!.heading}:${v.map((x) => x.text).join("+")}`).join(" | "));
});
