import type { LineItem } from "./invoice.js";
import { dec, type Dec, type DecimalString } from "./money.js";
import type { Unit } from "./reference.js";

/** One extra's item and the keywords that recognise it in a line description (lower case). */
export interface ItemKeywords {
  readonly item: string;
  readonly keywords: readonly string[];
}

/** The keywords lines are classified with (rules/rules.config.json's `items` and `fee_keywords`, validated). */
export interface LineKeywords {
  /** Extras' items in the order written in the file (the order breaks ties between equal matches). */
  readonly items: readonly ItemKeywords[];
  /** Words that make a line a fee line when no extra's keyword matches (lower case). */
  readonly feeKeywords: readonly string[];
}

const FEE_UNITS: ReadonlySet<string> = new Set(["night", "day", "week"]);

/**
 * The item of an invoice line (AUDIT.md "Kinds of line"): `discount` for a negative amount;
 * else the extra whose keyword appears earliest in the description ("Mileage - school run" is
 * transport_mile); else `placement` when the unit is night, day or week or the description
 * says placement, fee, care, …; else `unknown` (an extra nobody agreed).
 * Ingestion calls this to fill `item`; the engine trusts the stored item.
 */
export function classifyLine(description: string, unit: Unit | null, amount: Dec | DecimalString, config: LineKeywords): LineItem {
  if (dec(amount).isNegative()) return "discount";
  const text = description.toLowerCase();
  let best: { item: string; at: number; length: number } | null = null;
  for (const { item, keywords } of config.items) {
    for (const keyword of keywords) {
      const at = text.indexOf(keyword);
      if (at < 0) continue;
      // Earliest keyword wins; at the same position the longer keyword is the more specific one;
      // remaining ties go to the item written first in the config.
      if (best === null || at < best.at || (at === best.at && keyword.length > best.length)) {
        best = { item, at, length: keyword.length };
      }
    }
  }
  if (best !== null) return best.item;
  if (unit !== null && FEE_UNITS.has(unit)) return "placement";
  if (config.feeKeywords.some((keyword) => text.includes(keyword))) return "placement";
  return "unknown";
}
