import type { LineItem } from "../domain/invoice.js";
import { dec, type Dec, type DecimalString } from "../domain/money.js";
import type { Unit } from "../domain/reference.js";
import type { RulesConfig } from "./config.js";

const FEE_UNITS: ReadonlySet<string> = new Set(["night", "day", "week"]);

/**
 * The item of an invoice line (AUDIT.md "Kinds of line"): `discount` for a negative amount;
 * else the extra whose keyword appears earliest in the description ("Mileage - school run" is
 * transport_mile); else `placement` when the unit is night, day or week or the description
 * says placement, fee, care, …; else `unknown` (an extra nobody agreed).
 * Ingestion calls this to fill `item`; the engine trusts the stored item.
 */
export function classifyLine(description: string, unit: Unit | null, amount: Dec | DecimalString, config: RulesConfig): LineItem {
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
