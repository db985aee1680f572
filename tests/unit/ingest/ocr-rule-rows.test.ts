import type { Line } from "tesseract.js";
import { describe, expect, it } from "vitest";
import { isRuleReadAsLetters } from "../../../src/ingest/ocr/ocr-layout.js";

/**
 * A rule drawn in characters under a plain-text table's headings ("------", "======") is what
 * tesseract reads as letters with little confidence: "mmm mm mmm", "EEE". Such a line is no text
 * (read, it was a row of the table under its headings, and the scan was refused for it); a line
 * with a figure, a real word or a confident reading stays.
 */
function line(words: ReadonlyArray<[string, number]>): Line {
  // Only the words' text and confidence are read; the rest of tesseract's line is not needed.
  return { words: words.map(([text, confidence]) => ({ text, confidence })) } as unknown as Line;
}

describe("a rule drawn in characters, read by OCR as letters", () => {
  it("is recognised from its words: runs of one or two characters, no digit, little confidence", () => {
    expect(isRuleReadAsLetters(line([["mmm", 11], ["m", 0], ["mmm", 26], ["mm", 52], ["————", 9], ["=", 41]]))).toBe(true);
    expect(isRuleReadAsLetters(line([["Emm", 5], ["EEE", 7], ["mm", 32]]))).toBe(true);
  });

  it("leaves text alone: a real word, a figure, or a line read with confidence", () => {
    expect(isRuleReadAsLetters(line([["mmm", 20], ["Total", 30]]))).toBe(false);
    expect(isRuleReadAsLetters(line([["mm", 20], ["11", 25]]))).toBe(false);
    expect(isRuleReadAsLetters(line([["===", 90], ["==", 85]]))).toBe(false);
  });
});
