import type { LineRead } from "./second-look.js";

/**
 * Characters OCR confuses with each other in invoice print (O and 0, I, l, 1 and |, S and 5, B
 * and 8, Z and 2). A reference such as `PO-430402` is printed in a face where the letter O and
 * the digit 0 differ by a hair: the reader is rightly unsure of that one character and sure of
 * the rest. Compared by class, such a read can still single out one known reference, and only
 * then is it taken (validate-ocr.ts), when a second reading agrees and every character it was
 * unsure of is such a confusable one.
 */
const CLASSES: readonly string[] = ["0OoDQ", "1IlL|i!/", "5Ss$", "8B", "2Zz", "6G"];

const CLASS_OF = new Map<string, string>();
for (const members of CLASSES) for (const char of members) CLASS_OF.set(char, members[0] as string);

/** The character's class representative (itself, upper-cased, outside any class). */
export function classOf(char: string): string {
  return CLASS_OF.get(char) ?? char.toUpperCase();
}

/** The text with each character replaced by its class, spaces dropped. */
export function canonical(text: string): string {
  return [...text.replace(/\s+/g, "")].map(classOf).join("");
}

/** An alternative the reader weighed this strongly, outside the character's class, puts the character in doubt. */
export const OUTSIDE_DOUBT = 50;

/** A character of the second reading this unsure is in doubt whatever its alternatives. */
export const CHAR_SURE = 80;

/**
 * The characters of a second reading the reader was unsure of beyond its confusable class:
 * read with less than CHAR_SURE, or with an alternative of another class at OUTSIDE_DOUBT or more.
 */
export function doubtfulBeyondClass(look: LineRead): string[] {
  return look.chars
    .filter((char) => char.confidence < CHAR_SURE || char.alternatives.some((alt) => alt.confidence >= OUTSIDE_DOUBT && classOf(alt.text) !== classOf(char.text)))
    .map((char) => char.text);
}

export type ClassMatch = { status: "one"; to: string } | { status: "refused"; reason: string };

/**
 * The one known reference a doubtful read can be, by confusable class: both readings agree by
 * class, neither was unsure of a character beyond its class, and exactly one known reference
 * (among all known ones, any provider's) has that class spelling. `known` is every reference of
 * the kind; `acceptable` those the line's cross-check allows (the provider's, the placement's).
 */
export function matchByClass(read: string, look: LineRead | undefined, known: readonly string[], acceptable: ReadonlySet<string>): ClassMatch {
  if (!look) return { status: "refused", reason: "it was not read a second time" };
  const spelling = canonical(read);
  if (canonical(look.text) !== spelling) return { status: "refused", reason: `a second reading gave "${look.text}"` };
  const unsure = doubtfulBeyondClass(look);
  if (unsure.length > 0) return { status: "refused", reason: `the reader was unsure of ${unsure.map((c) => `"${c}"`).join(", ")}` };
  const matches = [...new Set(known.filter((ref) => canonical(ref) === spelling))];
  if (matches.length === 0) return { status: "refused", reason: "no known reference reads like it" };
  if (matches.length > 1) return { status: "refused", reason: `it reads like ${matches.join(" and ")}` };
  const to = matches[0] as string;
  if (!acceptable.has(to)) return { status: "refused", reason: `it reads like ${to}, which the line's provider or placement does not confirm` };
  return { status: "one", to };
}
