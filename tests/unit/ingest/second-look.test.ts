import { describe, expect, it } from "vitest";
import { canonical, doubtfulBeyondClass, matchByClass } from "../../../src/ingest/ocr/confusables.js";
import { otsuThreshold, parseHocrLine, type LineRead } from "../../../src/ingest/ocr/second-look.js";

/**
 * The second reading of a doubtful value (second-look.ts) and the confusable-class rule
 * (confusables.ts): a reference is taken from a doubtful read only when both readings agree by
 * class, the reader was unsure of nothing beyond a confusable character, and exactly one known
 * reference reads so, one the line's provider or placement confirms.
 */

/** hOCR as tesseract writes it with hocr_char_boxes 1 and lstm_choice_mode 2 (trimmed from a real read of `PO-4`). */
const HOCR = `<div class='ocr_page' id='page_1'>
 <span class='ocr_line' id='line_1_1' title="bbox 150 911 326 945">
  <span class='ocrx_word' id='word_1_1' title='bbox 150 911 326 945; x_wconf 57'>
   <span class='ocrx_cinfo' title='x_bboxes 150 914 178 945; x_conf 97.434143'>P</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
     <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 89.000328'>P</span>
     <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 0'>p</span>
    </span>
   <span class='ocrx_cinfo' title='x_bboxes 180 913 204 938; x_conf 93.939507'>O</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_2'>
     <span class='ocrx_cinfo' id='choice_1_1_7' title='x_confs 87.421944'>O</span>
     <span class='ocrx_cinfo' id='choice_1_1_8' title='x_confs 53.518185'>0</span>
     <span class='ocrx_cinfo' id='choice_1_1_9' title='x_confs 0'>D</span>
    </span>
   <span class='ocrx_cinfo' title='x_bboxes 207 926 215 929; x_conf 98.879997'>-</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_3'>
     <span class='ocrx_cinfo' id='choice_1_1_13' title='x_confs 87.570724'>-</span>
    </span>
  </span>
  <span class='ocrx_word' id='word_1_2' title='bbox 217 913 234 936; x_wconf 91'>
   <span class='ocrx_cinfo' title='x_bboxes 217 913 234 936; x_conf 98.974792'>&amp;</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_4'>
     <span class='ocrx_cinfo' id='choice_1_1_18' title='x_confs 94.942543'>&amp;</span>
    </span>
  </span>
 </span>
</div>`;

describe("parseHocrLine", () => {
  it("reads words, each character's confidence and its alternatives (never itself, never at 0)", () => {
    const read = parseHocrLine(HOCR);
    expect(read?.text).toBe("PO- &");
    expect(read?.confidence).toBe(57);
    expect(read?.chars.map((c) => [c.text, Math.round(c.confidence), c.alternatives.map((a) => `${a.text}=${Math.round(a.confidence)}`)])).toEqual([
      ["P", 97, []],
      ["O", 94, ["0=54"]],
      ["-", 99, []],
      ["&", 99, []],
    ]);
  });

  it("is null when nothing was read", () => {
    expect(parseHocrLine("<div class='ocr_page' id='page_1'></div>")).toBeNull();
  });
});

describe("otsuThreshold", () => {
  it("splits dark ink from light paper between the two", () => {
    const pixels = [...new Array<number>(300).fill(240), ...new Array<number>(60).fill(30), ...new Array<number>(40).fill(200)];
    const threshold = otsuThreshold(pixels);
    expect(threshold).toBeGreaterThanOrEqual(30);
    expect(threshold).toBeLessThan(200);
  });
});

function look(text: string, confidence: number, alternatives: Record<number, Array<[string, number]>> = {}, charConfidence = 95): LineRead {
  return {
    text,
    confidence,
    chars: [...text.replace(/\s+/g, "")].map((char, i) => ({ text: char, confidence: charConfidence, alternatives: (alternatives[i] ?? []).map(([t, c]) => ({ text: t, confidence: c })) })),
  };
}

const KNOWN = ["PO-430401", "PO-430402", "PO-430403", "PO-99"];
const PROVIDERS = new Set(["PO-430401", "PO-430402", "PO-430403"]);

describe("confusable classes", () => {
  it("O, 0 and D are one class, so are I, l, 1 and /, S and 5, B and 8, Z and 2", () => {
    expect(canonical("PO-43O4O2")).toBe(canonical("P0-430402"));
    expect(canonical("HCHI26/1107")).toBe(canonical("HCH/26/1107"));
    expect([canonical("S5"), canonical("B8"), canonical("Z2")]).toEqual(["55", "88", "22"]);
    expect(canonical("PO-430402")).not.toBe(canonical("PO-430403"));
  });

  it("a character is doubtful beyond its class when read unsurely or with a strong alternative of another class", () => {
    expect(doubtfulBeyondClass(look("PO-430402", 50, { 1: [["0", 64]] }))).toEqual([]);
    expect(doubtfulBeyondClass(look("PO-430402", 50, { 8: [["3", 55]] }))).toEqual(["2"]);
    expect(doubtfulBeyondClass(look("PO-430402", 50, {}, 70))).toHaveLength(9);
  });
});

describe("matchByClass: accept", () => {
  it("PO-430402 read twice, the only doubt an O that may be a 0: the provider's PO-430402", () => {
    expect(matchByClass("PO-430402", look("P0-430402", 48, { 1: [["O", 84]] }), KNOWN, PROVIDERS)).toEqual({ status: "one", to: "PO-430402" });
  });

  it("P0-43O4O3 (zeros and Os swapped) is snapped to the one reference that reads so", () => {
    expect(matchByClass("P0-43O4O3", look("PO-43O4O3", 50), KNOWN, PROVIDERS)).toEqual({ status: "one", to: "PO-430403" });
  });
});

describe("matchByClass: refuse", () => {
  it("without a second reading", () => {
    expect(matchByClass("PO-430402", undefined, KNOWN, PROVIDERS)).toMatchObject({ status: "refused", reason: "it was not read a second time" });
  });

  it("when the second reading differs beyond confusable characters (a dropped or doubled character, another digit)", () => {
    expect(matchByClass("PO-430402", look("P0O-430402", 41), KNOWN, PROVIDERS)).toMatchObject({ status: "refused", reason: 'a second reading gave "P0O-430402"' });
    expect(matchByClass("PO-430402", look("PO-430403", 90), KNOWN, PROVIDERS)).toMatchObject({ status: "refused" });
  });

  it("when the reader weighed a digit of another class (2 or 3?), even though both readings say 2", () => {
    expect(matchByClass("PO-430402", look("PO-430402", 60, { 8: [["3", 58]] }), KNOWN, PROVIDERS)).toEqual({ status: "refused", reason: 'the reader was unsure of "2"' });
  });

  it("when no known reference, or more than one, reads so", () => {
    expect(matchByClass("PO-430409", look("PO-430409", 60), KNOWN, PROVIDERS)).toEqual({ status: "refused", reason: "no known reference reads like it" });
    expect(matchByClass("C1OO1", look("C1001", 60), ["C1001", "CI001"], new Set(["C1001", "CI001"]))).toEqual({ status: "refused", reason: "it reads like C1001 and CI001" });
  });

  it("when the one reference it reads like is another provider's", () => {
    expect(matchByClass("P0-99", look("P0-99", 60), KNOWN, PROVIDERS)).toEqual({ status: "refused", reason: "it reads like PO-99, which the line's provider or placement does not confirm" });
  });
});
