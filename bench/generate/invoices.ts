/**
 * The providers' monthly invoices for the synthetic authority, with a known mix of planted
 * errors. Each provider bills its children in invoices of up to 12 children a month; a correct
 * line bills the child's placed nights at the agreed nightly fee (split where the fee or the
 * absence retainer changes), a per-child discount line gives the discount due, and 1:1 hours
 * are billed within the package. Then, at fixed rates drawn from the seed, errors are planted:
 *
 * | planted (per placement-month unless said)                  | rate  | the audit should raise        |
 * |------------------------------------------------------------|-------|-------------------------------|
 * | amount £50.00 above quantity × rate                         | 2%    | arithmetic-error              |
 * | nightly rate £6.50 above the agreed fee                     | 2%    | rate-above-agreed             |
 * | March billed at the April rate-card uplift                  | 15% of March card-fee lines | uplift-before-effective-date |
 * | quantity 3 nights more than the period                      | 0.5%  | quantity-exceeds-period       |
 * | placement ended mid-month, billed to the month's end        | 40% of such months | outside-placement |
 * | absence nights billed at the full fee                       | 40% of months with absence | absence-not-at-retainer |
 * | per-child discount line left out                            | 15%   | discount-not-applied          |
 * | the month's fee lines billed again next month               | 0.7%  | duplicate-billing             |
 * | a line for a child the authority does not know              | 0.4%  | unmatched-line                |
 * | 1:1 hours at £3.00 above the agreed rate                    | 8% of hour lines | extra-rate-above-agreed |
 * | 1:1 hours 40% above the weekly cap                          | 8% of hour lines | extra-quantity-above-agreed |
 * | placement with no agreed fee ("bespoke" level, no weekly fee) | 0.3% of placements | no-agreed-rate |
 * | invoice sent twice (same number, received later)            | 0.3% of invoices | duplicate-invoice |
 * | total £25.00 above lines + VAT                              | 0.4% of invoices | total-mismatch |
 * | VAT added by an exempt, VAT-registered provider             | 0.4% of such invoices | vat-overcharge |
 * | invoice voided by a credit note                             | 0.1% of invoices | (findings recovered) |
 *
 * Edges turned up by `EdgeOptions` (all off by default, and then the stream is exactly as
 * without them: their draws come from a generator of their own). Tests of the audit against an
 * independent model of AUDIT.md use them (tests/unit/audit/exact-model.test.ts):
 *
 * | option            | per                 | what                                                          |
 * |-------------------|---------------------|---------------------------------------------------------------|
 * | `voided`          | invoice             | a credit note for its whole total (voided; findings recovered) |
 * | `reissues`        | voided invoice      | re-issued with the same number, dated after the credit note   |
 * | `copies`          | invoice             | sent twice (same number, received later)                      |
 * | `creditedCopies`  | copy                | the copy then credited in full (its duplicate-invoice realised) |
 * | `internalRepeats` | invoice             | its first fee line billed twice on the same invoice           |
 * | `unknownExtras`   | placement-month     | an extra no keyword matches ("Horse riding lessons")          |
 * | `unknownRepeats`  | unknown extra       | billed again on the same invoice, spelt differently           |
 * | `fractionalWeeks` | fee line            | billed in weeks to 4 places (31 nights = 4.4286 weeks)        |
 *
 * The tally counts what was planted; the audit's own count differs a little where errors meet
 * (a duplicated invoice hides the errors on it, a voided invoice's findings are recovered, a
 * discount that changes mid-month shares a child's credit pro rata among its lines).
 */
import { dayFromIso, isoFromDay, type DayNumber } from "../../src/domain/dates.js";
import type { Invoice, InvoiceLine } from "../../src/domain/invoice.js";
import {
  absenceFactorPct, agreedNightly, cardNightly, CARD_HOUR_RATE, discountPct, PACKAGE_MAX_HOURS, UPLIFT_DAY, YEAR,
  type GeneratedAuthority, type GenPlacement, type GenProvider,
} from "./authority.js";
import { Random } from "./random.js";

export interface GeneratedInvoice extends Invoice {
  /** ISO timestamp the file was received (audit order breaks ties of invoice date with it). */
  receivedAt: string;
  /** A file name for the rendered invoice (extension added by the writer). */
  fileName: string;
}

export type PlantedTally = Record<string, number>;

/** Rates (0–1) of the audit's edge cases; see the table above. */
export interface EdgeOptions {
  voided?: number;
  reissues?: number;
  copies?: number;
  creditedCopies?: number;
  internalRepeats?: number;
  unknownExtras?: number;
  unknownRepeats?: number;
  fractionalWeeks?: number;
}

const UNKNOWN_SPELLINGS = ["Horse riding lessons", "horse-riding  LESSONS.", "Horse Riding Lessons!"];

export interface InvoiceStream {
  invoices: Generator<GeneratedInvoice>;
  /** Filled as the stream is read. */
  planted: PlantedTally;
  /** Lines generated so far. */
  readonly counts: { invoices: number; lines: number };
}

const CHILDREN_PER_INVOICE = 12;
const pad = (n: number, width: number): string => String(n).padStart(width, "0");
/** Pence → "1234.56" (negative allowed). */
const pounds = (pence: number): string => {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${pad(abs % 100, 2)}`;
};

interface Draft {
  line: Omit<InvoiceLine, "lineNo">;
  /** Pence of the printed amount. */
  amount: number;
  /** Counts towards VAT (a matched fee line, extra or discount). */
  vatable: boolean;
}

function feeLine(p: GenPlacement, from: DayNumber, to: DayNumber, nights: number, ratePence: number, byPo: boolean): Draft {
  return {
    line: {
      childRef: byPo ? null : p.placement.childRef,
      placementRef: byPo ? p.placement.poNumber : null,
      description: "Placement fee",
      item: "placement",
      from: isoFromDay(from),
      to: isoFromDay(to - 1),
      quantity: String(nights),
      unit: "night",
      unitRate: pounds(ratePence),
      amount: pounds(nights * ratePence),
    },
    amount: nights * ratePence,
    vatable: true,
  };
}

/** Half-up rounding of a non-negative integer numerator over a positive denominator. */
function roundDiv(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * The invoices of the year, month by month, until about `targetLines` lines have been made (the
 * invoice under way is finished). Deterministic for a seed.
 */
export function invoiceStream(authority: GeneratedAuthority, targetLines: number, seed: number, edges: EdgeOptions = {}): InvoiceStream {
  const planted: PlantedTally = {};
  const counts = { invoices: 0, lines: 0 };
  const plant = (rule: string, n = 1): void => {
    planted[rule] = (planted[rule] ?? 0) + n;
  };

  function* generate(): Generator<GeneratedInvoice> {
    // Lines to bill again next month, by invoice group.
    let repeatNext = new Map<string, Draft[]>();
    let serial = 0;
    for (let month = 1; month <= 12; month++) {
      const monthStart = dayFromIso(`${YEAR}-${pad(month, 2)}-01`);
      const monthEnd = month === 12 ? dayFromIso(`${YEAR + 1}-01-01`) : dayFromIso(`${YEAR}-${pad(month + 1, 2)}-01`);
      const repeatNow = repeatNext;
      repeatNext = new Map();
      for (const provider of authority.providers) {
        for (let g = 0; g * CHILDREN_PER_INVOICE < provider.placements.length; g++) {
          const group = provider.placements.slice(g * CHILDREN_PER_INVOICE, (g + 1) * CHILDREN_PER_INVOICE);
          const groupKey = `${provider.index}/${g}`;
          const r = new Random(seed ^ Math.imul(provider.index + 1, 7919) ^ Math.imul(g + 1, 104729) ^ Math.imul(month, 15485863));
          const drafts: Draft[] = [];
          const repeats: Draft[] = [];
          // The edges' own draws: without edge options nothing is drawn from it and the stream is as before.
          const e = new Random(seed ^ Math.imul(provider.index + 1, 374761393) ^ Math.imul(g + 1, 668265263) ^ Math.imul(month, 2246822519));
          for (const p of group) {
            const billed = billPlacementMonth(p, monthStart, monthEnd, month, r, plant);
            if (billed === null) continue;
            if (edges.fractionalWeeks) for (const fee of billed.fees) if (e.chance(edges.fractionalWeeks)) inWeeks(fee, plant);
            drafts.push(...billed.drafts);
            if (edges.unknownExtras && e.chance(edges.unknownExtras)) {
              const unknown = unknownExtra(p, billed.fees, e);
              if (unknown) {
                plant("extra-not-agreed");
                drafts.push(unknown);
                if (edges.unknownRepeats && e.chance(edges.unknownRepeats)) {
                  plant("duplicate-billing");
                  drafts.push({ ...unknown, line: { ...unknown.line, description: e.pick(UNKNOWN_SPELLINGS) } });
                }
              }
            }
            if (r.chance(0.007)) repeats.push(...billed.fees);
            if (r.chance(0.004)) {
              plant("unmatched-line");
              const nights = monthEnd - monthStart;
              drafts.push({ ...feeLine(p, monthStart, monthEnd, nights, 15000, false), vatable: false });
              const last = drafts[drafts.length - 1] as Draft;
              last.line = { ...last.line, childRef: `X${p.placement.childRef.slice(1)}`, placementRef: null };
            }
          }
          if (drafts.length === 0) continue;
          const again = repeatNow.get(groupKey);
          if (again) {
            plant("duplicate-billing", again.length);
            drafts.push(...again);
          }
          if (repeats.length > 0) repeatNext.set(groupKey, repeats);
          if (edges.internalRepeats && e.chance(edges.internalRepeats)) {
            const fee = drafts.find((d) => d.line.item === "placement");
            if (fee) {
              plant("duplicate-billing");
              drafts.push({ ...fee });
            }
          }

          const number = `${provider.provider.providerId}-${YEAR}${pad(month, 2)}-${pad(g + 1, 3)}`;
          const invoice = makeInvoice(provider, number, monthStart, monthEnd, drafts, ++serial, r, plant);
          counts.invoices++;
          counts.lines += invoice.lines.length;
          yield invoice;
          const creditFor = (credited: GeneratedInvoice, date: DayNumber, suffix: string): GeneratedInvoice => {
            counts.invoices++;
            counts.lines += 1;
            return {
              ...credited,
              kind: "credit_note",
              invoiceNumber: `CN-${number}${suffix}`,
              creditsInvoice: number,
              invoiceDate: isoFromDay(date),
              receivedAt: receivedAt(date + 1, ++serial),
              vat: credited.vat,
              lines: [{ ...(credited.lines[0] as InvoiceLine), lineNo: 1, description: `Credit for invoice ${number}`, amount: credited.total, quantity: null, unitRate: null, unit: null, item: "placement" }],
              fileName: `CN-${number}${suffix}`,
            };
          };
          if (edges.copies === undefined ? r.chance(0.003) : e.chance(edges.copies)) {
            plant("duplicate-invoice");
            const copy = { ...invoice, receivedAt: receivedAt(monthEnd + 3, ++serial), fileName: `${invoice.fileName}-copy` };
            counts.invoices++;
            counts.lines += copy.lines.length;
            yield copy;
            if (edges.creditedCopies && e.chance(edges.creditedCopies)) {
              plant("voided-by-credit-note");
              yield creditFor(copy, monthEnd + 9, "-copy");
            }
          } else if (edges.voided === undefined ? r.chance(0.001) : e.chance(edges.voided)) {
            plant("voided-by-credit-note");
            yield creditFor(invoice, monthEnd + 9, "");
            if (edges.reissues && e.chance(edges.reissues)) {
              // The same number again, dated after the credit note: a new invoice, not a duplicate.
              const reissue: GeneratedInvoice = { ...invoice, invoiceDate: isoFromDay(monthEnd + 12), receivedAt: receivedAt(monthEnd + 12, ++serial), fileName: `${invoice.fileName}-reissue` };
              counts.invoices++;
              counts.lines += reissue.lines.length;
              yield reissue;
            }
          }
          if (counts.lines >= targetLines) return;
        }
      }
    }
  }

  return { invoices: generate(), planted, counts };
}

/**
 * Bills a fee line in weeks to 4 places, as finance systems print them: 31 nights at 131.00 is
 * 4.4286 weeks at 917.00 = 4,061.0262, printed 4,061.03 (no error: quantity × rate to the penny).
 */
function inWeeks(fee: Draft, plant: (rule: string) => void): void {
  const nights = Number(fee.line.quantity);
  const nightlyPence = Math.round(Number(fee.line.unitRate) * 100);
  const weeks = Math.round((nights / 7) * 10_000) / 10_000;
  const weeklyPence = nightlyPence * 7;
  // weeks × 10,000 and pence are whole: the product in 1/1,000,000 of a pound, rounded half up to pence.
  const amount = roundDiv(Math.round(weeks * 10_000) * weeklyPence, 10_000);
  const extra = fee.amount - nights * nightlyPence; // an arithmetic error planted on the line stays
  fee.amount = amount + extra;
  fee.line = { ...fee.line, quantity: weeks.toFixed(4), unit: "week", unitRate: pounds(weeklyPence), amount: pounds(fee.amount) };
  plant("fractional-weeks");
}

/** An extra no keyword matches, over the placement's nights of the month. */
function unknownExtra(p: GenPlacement, fees: readonly Draft[], e: Random): Draft | null {
  const first = fees[0];
  if (!first) return null;
  const sessions = e.int(1, 6);
  const ratePence = e.pick([2250, 3000, 3333, 4175]);
  return {
    line: {
      childRef: p.placement.childRef, placementRef: null, description: e.pick(UNKNOWN_SPELLINGS), item: "unknown",
      from: first.line.from, to: fees[fees.length - 1]?.line.to ?? first.line.to, quantity: String(sessions), unit: "session", unitRate: pounds(ratePence), amount: pounds(sessions * ratePence),
    },
    amount: sessions * ratePence,
    vatable: true,
  };
}

function receivedAt(day: DayNumber, serial: number): string {
  // Received the day after the invoice date, one second apart, in generation order.
  return new Date(day * 86_400_000 + 9 * 3_600_000 + serial * 1000).toISOString();
}

function makeInvoice(
  provider: GenProvider, number: string, monthStart: DayNumber, monthEnd: DayNumber, drafts: Draft[], serial: number, r: Random, plant: (rule: string) => void,
): GeneratedInvoice {
  const subtotal = drafts.reduce((sum, d) => sum + d.amount, 0);
  let vat: number | null = null;
  if (provider.provider.vatNumber !== null) {
    if (provider.vatCharged) {
      const base = drafts.reduce((sum, d) => sum + (d.vatable ? d.amount : 0), 0);
      vat = Math.max(0, roundDiv(base * 20, 100));
    } else if (r.chance(0.004)) {
      plant("vat-overcharge");
      vat = roundDiv(subtotal * 20, 100);
    } else {
      vat = 0;
    }
  }
  let total = subtotal + (vat ?? 0);
  if (r.chance(0.004)) {
    plant("total-mismatch");
    total += 2500;
  }
  return {
    providerId: provider.provider.providerId,
    invoiceNumber: number,
    invoiceDate: isoFromDay(monthEnd - 1),
    kind: "invoice",
    creditsInvoice: null,
    periodFrom: isoFromDay(monthStart),
    periodTo: isoFromDay(monthEnd - 1),
    subtotal: pounds(subtotal),
    vat: vat === null ? null : pounds(vat),
    total: pounds(total),
    lines: drafts.map((d, i) => ({ ...d.line, lineNo: i + 1 })),
    receivedAt: receivedAt(monthEnd, serial),
    fileName: number,
  };
}

/** One placement's lines for one month (null when it has no nights in the month). */
function billPlacementMonth(
  p: GenPlacement, monthStart: DayNumber, monthEnd: DayNumber, month: number, r: Random, plant: (rule: string) => void,
): { drafts: Draft[]; fees: Draft[] } | null {
  const from = Math.max(p.start, monthStart);
  let to = Math.min(p.billedEnd, monthEnd);
  if (to <= from) return null;
  const placedTo = to;
  // Ended mid-month (not a move between carers): sometimes billed to the month's end anyway.
  if (p.billedEnd === p.placedEnd && p.billedEnd < monthEnd && r.chance(0.4)) {
    to = monthEnd;
    plant("outside-placement");
  }
  const anyAbsence = p.absences.some((a) => a.start < placedTo && a.end > from);
  const absenceAtFull = anyAbsence && r.chance(0.4);
  const upliftEarly = month === 3 && p.weeklyNightly === null && p.feeChanges.length === 0 && cardNightly(p.provider, p.level, UPLIFT_DAY) !== null && r.chance(0.15);
  const byPo = r.chance(0.1);

  // Runs of nights billed at one rate (pence): split where the agreed fee or the retainer changes.
  const runs: { from: DayNumber; to: DayNumber; rate: number }[] = [];
  let discountNumerator = 0; // pence × factor% × discount% (÷ 10,000 gives pence)
  let absenceBilledAbove = false;
  let lastRate = 0;
  for (let d = from; d < to; d++) {
    let rate: number;
    if (d < placedTo) {
      const nightly = agreedNightly(p, d);
      const factor = absenceFactorPct(p, d);
      if (nightly === null) {
        rate = 25000; // the provider's own price: nothing agreed (no-agreed-rate)
      } else {
        discountNumerator += nightly * 100 * factor * discountPct(p, d);
        rate = nightly * factor;
        if (absenceAtFull && factor < 100) {
          rate = nightly * 100;
          if ((nightly * (100 - factor)) >= 1) absenceBilledAbove = true;
        }
        if (upliftEarly) rate = (cardNightly(p.provider, p.level, UPLIFT_DAY) as number) * 100;
      }
      lastRate = rate;
    } else {
      rate = lastRate;
    }
    if (rate === 0) continue; // nights past the retainer's limit are not billed
    const last = runs[runs.length - 1];
    if (last && last.to === d && last.rate === rate) last.to = d + 1;
    else runs.push({ from: d, to: d + 1, rate });
  }
  if (runs.length === 0) return null;
  if (absenceBilledAbove) plant("absence-not-at-retainer");
  if (upliftEarly) plant("uplift-before-effective-date");
  if (runs.some((run) => run.rate === 25000) && agreedNightly(p, from) === null) plant("no-agreed-rate");

  const fees = runs.map((run) => feeLine(p, run.from, run.to, run.to - run.from, run.rate, byPo));
  const first = fees[0] as Draft;
  const roll = r.next();
  if (roll < 0.02) {
    plant("arithmetic-error");
    first.amount += 5000;
    first.line = { ...first.line, amount: pounds(first.amount) };
  } else if (roll < 0.04 && !upliftEarly) {
    plant("rate-above-agreed");
    const rate = Math.round(Number(first.line.unitRate) * 100) + 650;
    const nights = Number(first.line.quantity);
    fees[0] = feeLine(p, dayFromIso(first.line.from as string), dayFromIso(first.line.to as string) + 1, nights, rate, byPo);
  } else if (roll < 0.045) {
    plant("quantity-exceeds-period");
    const rate = Math.round(Number(first.line.unitRate) * 100);
    const quantity = Number(first.line.quantity) + 3;
    first.amount = quantity * rate;
    first.line = { ...first.line, quantity: String(quantity), amount: pounds(first.amount) };
  }
  const drafts = [...fees];

  const nights = placedTo - from;
  if (p.hourPackage && nights >= 7) {
    const cap = (PACKAGE_MAX_HOURS * nights) / 7;
    let hours = Math.floor(cap * 0.8);
    let rate = (p.hourPackage.rate ?? CARD_HOUR_RATE) * 100;
    const extraRoll = r.next();
    if (extraRoll < 0.08) {
      plant("extra-rate-above-agreed");
      rate += 300;
    } else if (extraRoll < 0.16) {
      plant("extra-quantity-above-agreed");
      hours = Math.ceil(cap * 1.4);
    }
    drafts.push({
      line: {
        childRef: p.placement.childRef, placementRef: null, description: "1:1 support hours", item: "one_to_one_hour",
        from: isoFromDay(from), to: isoFromDay(placedTo - 1), quantity: String(hours), unit: "hour", unitRate: pounds(rate), amount: pounds(hours * rate),
      },
      amount: hours * rate,
      vatable: true,
    });
  }

  const discount = roundDiv(discountNumerator, 10_000);
  if (discount > 0) {
    if (r.chance(0.15)) {
      if (discount >= 500) plant("discount-not-applied");
    } else {
      drafts.push({
        line: {
          childRef: byPo ? null : p.placement.childRef, placementRef: byPo ? p.placement.poNumber : null, description: "Discount", item: "discount",
          from: null, to: null, quantity: null, unit: null, unitRate: null, amount: pounds(-discount),
        },
        amount: -discount,
        vatable: true,
      });
    }
  }
  return { drafts, fees };
}
