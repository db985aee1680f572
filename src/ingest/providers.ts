import { parseVatNumber } from "./text/values.js";
import { NeedsAttentionError } from "./types.js";

/**
 * Which provider sent an invoice: by VAT registration number first (unambiguous when printed),
 * then by the provider's name or one of its aliases printed anywhere on the document. Two
 * providers named and no VAT number to decide between them is not guessed: it goes to
 * "needs attention".
 */
export interface ProviderIdentity {
  providerId: string;
  name: string;
  aliases: string[];
  vatNumber: string | null;
}

export interface ProviderMatch {
  providerId: string;
  via: "vat_number" | "name" | "alias" | "template";
}

const LEGAL_SUFFIX = /\s+(?:ltd|plc|llp|cic|inc|co|group|uk)$/;

/** Lower case, `&` as "and", punctuation as spaces, "Limited" as "ltd": how names are compared. */
export function normaliseName(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/\blimited\b/g, "ltd")
    .replace(/\s+/g, " ")
    .trim()} `;
}

interface NameHit {
  providerId: string;
  via: "name" | "alias";
  start: number;
  end: number;
  exact: boolean;
}

function findName(haystack: string, name: string): { start: number; end: number; exact: boolean } | null {
  const full = normaliseName(name);
  if (full.trim() === "") return null;
  let at = haystack.indexOf(full);
  if (at >= 0) return { start: at, end: at + full.length, exact: true };
  // "Oakfield Fostering Ltd" printed as "Oakfield Fostering": the legal suffix is optional,
  // provided what is left is still a distinctive name (two words or more).
  const stripped = ` ${full.trim().replace(LEGAL_SUFFIX, "")} `;
  if (stripped !== full && stripped.trim().includes(" ")) {
    at = haystack.indexOf(stripped);
    if (at >= 0) return { start: at, end: at + stripped.length, exact: false };
  }
  return null;
}

export function identifyProvider(documentText: string, vatNumbers: readonly string[], providers: readonly ProviderIdentity[]): ProviderMatch {
  const printedVat = new Set(vatNumbers);
  const byVat = providers.filter((p) => {
    const vat = p.vatNumber ? (parseVatNumber(p.vatNumber) ?? p.vatNumber.replace(/\D/g, "")) : null;
    return vat !== null && vat !== "" && printedVat.has(vat);
  });
  if (byVat.length === 1 && byVat[0]) return { providerId: byVat[0].providerId, via: "vat_number" };

  const haystack = normaliseName(documentText);
  const hits: NameHit[] = [];
  for (const provider of byVat.length > 1 ? byVat : providers) {
    const names: Array<[string, "name" | "alias"]> = [[provider.name, "name"], ...provider.aliases.map((a): [string, "alias"] => [a, "alias"])];
    let best: NameHit | null = null;
    for (const [name, via] of names) {
      const found = findName(haystack, name);
      if (!found) continue;
      const hit: NameHit = { providerId: provider.providerId, via, ...found };
      if (!best || (hit.exact && !best.exact) || (hit.exact === best.exact && hit.end - hit.start > best.end - best.start)) best = hit;
    }
    if (best) hits.push(best);
  }
  // A name printed inside a longer provider's name ("Oak Care" in "Oak Care North Ltd") is that longer one.
  const kept = hits.filter(
    (hit) => !hits.some((other) => other !== hit && other.start <= hit.start && other.end >= hit.end && other.end - other.start > hit.end - hit.start),
  );
  const exact = kept.filter((hit) => hit.exact);
  const candidates = exact.length > 0 ? exact : kept;
  // In the order printed: the first is most often the sender, which helps whoever resolves it.
  const distinct = [...new Set([...candidates].sort((a, b) => a.start - b.start).map((hit) => hit.providerId))];
  if (distinct.length === 1 && candidates[0]) return { providerId: candidates[0].providerId, via: candidates[0].via };
  if (distinct.length > 1) {
    throw new NeedsAttentionError(
      "ambiguous_provider",
      `The invoice names more than one provider (${distinct.join(", ")}) and no VAT number that decides between them. ` +
        `Add the VAT number to the right provider, or a provider template, then re-process the file.`,
      { providers: distinct.join(",") },
    );
  }
  // The reason is shown to every role and written to failed/*.reason.txt: it names the header
  // field it read (the VAT number), never the document's own text (issue 22).
  const vatText = vatNumbers.length > 0 ? ` (VAT number(s) printed: ${vatNumbers.map((v) => `GB${v}`).join(", ")})` : "";
  throw new NeedsAttentionError(
    "unknown_provider",
    `No provider in the reference data matches the names or VAT number on this file${vatText}. ` +
      `Add the name the provider uses as an alias (or its VAT number), then re-process the file.`,
  );
}
