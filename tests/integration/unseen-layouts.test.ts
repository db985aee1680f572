import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusFiles, loadSampleReference, scoreCorpus, type FileScore } from "../fixtures/layouts/score.js";
import { openTestDatabase, type TestDatabase } from "../support/db.js";

/**
 * The tune half of the unseen-layout corpus (tests/fixtures/layouts/tune), read through the real
 * ingest path: every file not listed below must come out exactly as its expected JSON says, and
 * every file listed must still fail, so a file the reader learns to read fails this test until
 * it is taken off the list. The held-out half is measured by bench/layouts.ts, never here.
 */
// Round 8 emptied it (the item list with no column headings is read as item blocks); round 9
// read every file of the seventh held-out set, measured once and then moved here.
// Round 10 (seeds 10 and 11 of the variant generator, round 9's classes at random) left these,
// none silently wrong (each refused or stored to verify); not yet read, by class:
const KNOWN_GAPS: Record<string, string> = {
  "variant-11-08-groff-BFC-CR-8441.pdf": "groff sets 'Mileage – contact visits' with its en dash lost in the text layer: a producer fault (the glyph has no text behind it), nothing the reader can recover in general; marked to verify",
  "variant-11-09-reportlab-CED-CR-6081.pdf": "the producer draws 'Cyfnod / Period:' and its dates past the page's right edge, where the PDF reader cuts them: the period cannot be read, marked uncertain (its records are read)",
  // The ninth held-out set, measured once after round 10 (README "Unseen layouts") and moved
  // here. Four were read with values silently wrong; round 11 read all four exactly (totals
  // labels "Goods Value", "VAT (exempt)", "Invoice Value"; a bare "Placement:" block label;
  // "Referral PO" and "Unit Type" column names). These were still refused, each with a reason;
  // round 12 read "mutool-credit-sentence" (its "4 nts" in Courier, a space one pitch wide) and
  // "pandoc-latex-rated" (a VAT analysis by band, "Zero rated" / "Standard rated 20%", below the
  // lines) and "pango-spaced-columns" (cells drifting from their headings, read in their order).
  // The paps print was still refused. Round 12: its dashed rules, read by OCR as "mmm mm mmm", are no longer a row of the table; what
  // is left is what OCR of its monospaced page misses: every "1 wk" read as "wk" (the lone "1"
  // dropped), "4,935.00" as "4,935" "00" (the point lost), "PO-440501" as "P0-440501" / "P0O-…".
  "paps-numbered-pages-CHC-7731.pdf": "no text layer (paps draws glyphs as paths): read by OCR; the lines' lost '1 wk' and decimal points are read again cell by cell (reread-table-cells.ts) and stored, but the period and the descriptions' ' - ' are still lost (161/172, none silent)",
  // The tenth held-out set was measured once after round 11 (254/946, 10 silent, 3 of 10 stored)
  // and moved here for round 12, which read all ten (the last, "fpdf-credit-memo": its "C8004 /
  // PO-480906" under "Client / Order", one run in Courier, split at the heading's mark).
  // The eleventh held-out set, sealed during round 12 and measured once after it (636/866, 31
  // silent, 10 of 11 stored), then moved here for round 13, which read ten of them; the eleventh:
  "lualatex-credit-memo-BFC-CM-0212.pdf": "a credit memo under an 'Adjustment' heading whose 'Adjustment: …' descriptions wrap and hyphenate: descriptions left empty and marked; 'Total adjustments' over 'VAT (exempt)' and 'Total credited' not read as the subtotal",
  // The twelfth held-out set (FOP, libHaru, PDFBox, xhtml2pdf, rst2pdf, texttopdf), measured once
  // after round 13 (877/920, 26 silent, 11 of 11 stored) and moved here for round 14, which read
  // all eleven.
  // The thirteenth held-out set (iText 5, dblatex, texinfo, calibre, CairoSVG, one scan), sealed
  // during round 14, measured once after it (762/1245, 3 silent, 9 of 12 stored) and moved here for
  // round 15, which read eleven of them exactly; the twelfth:
  "scan-posted-invoice-NPC-0547.pdf": "a typed invoice scanned at 200 dpi, turned 0.6 degrees: round 15 reads its fixed-pitch '30 nights' as one cell and stores it to verify (34/37, none silent); the session line's '(05/11/2026 - 26/11/2026)' under its description is read by OCR as '(65/11/2026 26/11/2026)', kept in the description and its period marked",
};

// The reader does not depend on the database; storing and reading back does. So the embedded run
// reads the whole tune half, and the PostgreSQL run every file but the seeded variants (160 of the
// 271 in round 11, all made by producers the other files cover): the variants went through both
// databases for rounds 8 to 11 without a difference, and reading them twice made CI's PostgreSQL
// stage minutes longer. Variants still known gaps stay in, so the list below is checked on both.
const onPostgres = process.env.TEST_DB === "postgres";
const files = corpusFiles("tune").filter((file) => !onPostgres || !file.name.startsWith("variant-") || file.name in KNOWN_GAPS);

describe("unseen layouts: the tune half", () => {
  let t: TestDatabase;
  let scores: Map<string, FileScore>;

  beforeAll(async () => {
    t = await openTestDatabase();
    await loadSampleReference(t.db);
    scores = new Map((await scoreCorpus(t.db, t.dataDir, files)).map((s) => [s.name, s]));
    // Reading the whole tune half (251 files since round 10) outlasts the default two minutes on
    // a loaded machine; this is a limit on setup, not a timed assertion.
  }, 600_000);

  afterAll(async () => {
    await t.dispose();
  });

  it("lists as known gaps exactly the files still read wrong", () => {
    const failing = [...scores.values()].filter((s) => s.right < s.total).map((s) => s.name).sort();
    expect(failing).toEqual(Object.keys(KNOWN_GAPS).sort());
  });

  it.each(files.map((f) => f.name))("%s: read exactly, or still a known gap", (name) => {
    const score = scores.get(name);
    expect(score).toBeDefined();
    if (name in KNOWN_GAPS) expect(score?.mismatches.length).toBeGreaterThan(0);
    else expect(score?.mismatches).toEqual([]);
  });
});
