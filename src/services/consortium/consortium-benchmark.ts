import type { Database } from "../../db/connection.js";
import { consortiaWithMembers, consortiumBenchmark, consortiumDrift, consortiumLatestCharge, type BenchmarkRow, type DriftRow } from "../../db/queries/consortium-benchmark.query.js";
import { consortiaOf } from "../../db/repositories/consortium.repository.js";
import { AppError } from "../../domain/errors.js";
import { Dec } from "../../domain/money.js";
import { londonDate } from "../../domain/months.js";
import type { ConsortiumBenchmark, DriftQuarter, MeasureFigures, MemberFigure, ServiceBenchmark } from "../../domain/consortium-benchmark.js";
import { addQuarters, quarterBounds, quarterLabel, quarterOf, requireQuarter, type Quarter } from "../../domain/quarters.js";

export { SUPPRESSED_TEXT, type ConsortiumBenchmark, type DriftQuarter, type MeasureFigures, type MemberFigure, type ServiceBenchmark } from "../../domain/consortium-benchmark.js";

/**
 * The consortium analyst's benchmark: per provider and service, what each member pays (agreed)
 * and is charged (invoiced), against the consortium's median and the framework. Every figure
 * across members comes from the database's SECURITY DEFINER functions, already suppressed
 * (README "Consortium benchmarking"); this module only lays them out and works out differences
 * and percentages from the figures shown, exactly (decimal.js), percentages to 0.1 half up.
 */
const pct = (part: Dec, whole: Dec): string => part.div(whole).times(100).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1);
const money = (value: string | null): string | null => (value === null ? null : new Dec(value).toFixed(2));

/** The consortium an analyst (or any user) of this authority reads: its first by name. */
export async function consortiumOfAuthority(db: Database, authorityId: number): Promise<{ id: number; code: string; name: string } | null> {
  const [first] = await consortiaOf(db.knex, authorityId);
  return first ?? null;
}

export async function listConsortia(db: Database): Promise<{ id: number; code: string; name: string; members: string[] }[]> {
  return consortiaWithMembers(db.knex);
}

/** How many quarters the drift table covers, ending with the benchmark's quarter. */
export const DRIFT_QUARTERS = 4;

/**
 * The benchmark of the consortium the authority belongs to, for a quarter (default: the quarter
 * of the members' latest billed period, else the current one).
 */
export async function consortiumBenchmarkFor(db: Database, authorityId: number, options: BenchmarkOptions = {}): Promise<ConsortiumBenchmark> {
  const consortium = await consortiumOfAuthority(db, authorityId);
  if (!consortium) throw new AppError("not_found", "Your council belongs to no consortium");
  return consortiumBenchmarkOf(db, consortium, options);
}

export interface BenchmarkOptions {
  quarter?: string | undefined;
  now?: Date;
}

/**
 * The benchmark of a consortium named by its code (`report consortium`): the only one when no
 * code is given. An unknown code, or several consortia and none named, is a validation error.
 */
export async function consortiumBenchmarkByCode(db: Database, code: string | undefined, options: BenchmarkOptions = {}): Promise<ConsortiumBenchmark> {
  const all = await consortiaWithMembers(db.knex);
  const chosen = code === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((c) => c.code === code);
  if (!chosen) {
    throw new AppError("validation", code === undefined ? `name the consortium (--consortium CODE): ${all.length === 0 ? "there is none" : all.map((c) => c.code).join(", ")}` : `no consortium "${code}"`);
  }
  return consortiumBenchmarkOf(db, chosen, options);
}

async function consortiumBenchmarkOf(db: Database, consortium: { id: number; code: string; name: string }, options: BenchmarkOptions): Promise<ConsortiumBenchmark> {
  const all = await consortiaWithMembers(db.knex);
  const members = all.find((c) => c.id === consortium.id)?.members ?? [];
  let quarter: Quarter;
  if (options.quarter) quarter = requireQuarter(options.quarter);
  else {
    const latest = await consortiumLatestCharge(db.knex, consortium.id);
    quarter = quarterOf(latest ?? londonDate(options.now ?? new Date()));
  }
  const { from, to } = quarterBounds(quarter);
  const first = addQuarters(quarter, 1 - DRIFT_QUARTERS);
  const rows = await consortiumBenchmark(db.knex, consortium.id, from, to);
  const drift = await consortiumDrift(db.knex, consortium.id, quarterBounds(first).from, to);
  const driftQuarters = Array.from({ length: DRIFT_QUARTERS }, (_, i) => addQuarters(first, i)).map((q) => ({ quarter: q, label: quarterLabel(q) }));
  return {
    consortium: { ...consortium, members },
    quarter,
    quarterLabel: quarterLabel(quarter),
    from,
    to,
    driftQuarters,
    services: groupRows(rows, drift, driftQuarters.map((q) => q.quarter)),
  };
}

const groupKey = (row: { providerId: string; item: string; serviceLevel: string; unit: string }): string => [row.providerId, row.item, row.serviceLevel, row.unit].join("\u0001");

function measure(rows: readonly BenchmarkRow[]): MeasureFigures {
  const whole = rows.find((row) => row.memberId === null);
  const median = money(whole?.median ?? null);
  return {
    suppressed: whole?.suppressed ?? true,
    placements: whole?.placements ?? null,
    median,
    low: money(whole?.low ?? null),
    high: money(whole?.high ?? null),
    members: rows
      .filter((row) => row.memberId !== null)
      .map((row): MemberFigure => {
        const own = money(row.median);
        const difference = own !== null && median !== null ? new Dec(own).minus(median) : null;
        return {
          member: row.memberName ?? "",
          suppressed: row.suppressed,
          placements: row.placements,
          median: own,
          difference: difference === null ? null : difference.toFixed(2),
          differencePct: difference === null || median === null || new Dec(median).isZero() ? null : pct(difference, new Dec(median)),
        };
      }),
  };
}

function groupRows(rows: readonly BenchmarkRow[], drift: readonly DriftRow[], quarters: readonly Quarter[]): ServiceBenchmark[] {
  const groups = new Map<string, BenchmarkRow[]>();
  for (const row of rows) groups.set(groupKey(row), [...(groups.get(groupKey(row)) ?? []), row]);
  const services: ServiceBenchmark[] = [];
  for (const [key, groupRowsOf] of groups) {
    const head = groupRowsOf[0];
    if (!head) continue;
    const paid = measure(groupRowsOf.filter((row) => row.measure === "paid"));
    const charged = measure(groupRowsOf.filter((row) => row.measure === "charged"));
    const whole = groupRowsOf.find((row) => row.memberId === null && row.frameworkRate !== null) ?? groupRowsOf.find((row) => row.memberId === null);
    const frameworkRate = money(whole?.frameworkRate ?? null);
    const uplift = whole?.annualUpliftPct ? new Dec(whole.annualUpliftPct).toFixed() : null;
    const over = frameworkRate !== null && charged.median !== null ? new Dec(charged.median).minus(frameworkRate) : null;
    const quartersOf = drift.filter((row) => groupKey(row) === key);
    const driftView = driftFor(quarters, quartersOf, uplift);
    const lastShown = [...driftView].reverse().find((q) => q.changePct !== null);
    services.push({
      providerId: head.providerId,
      providerName: head.providerName,
      providerKind: head.providerKind,
      item: head.item,
      serviceLevel: head.serviceLevel,
      unit: head.unit,
      paid,
      charged,
      frameworkRate,
      annualUpliftPct: uplift,
      chargedOverFramework: over === null ? null : over.toFixed(2),
      chargedOverFrameworkPct: over === null || frameworkRate === null || new Dec(frameworkRate).isZero() ? null : pct(over, new Dec(frameworkRate)),
      drift: driftView,
      driftAboveUplift: lastShown?.aboveUplift ?? false,
    });
  }
  return services;
}

function driftFor(quarters: readonly Quarter[], rows: readonly DriftRow[], uplift: string | null): DriftQuarter[] {
  let base: Dec | null = null;
  return quarters.map((quarter) => {
    const row = rows.find((r) => quarterOf(r.quarterStart) === quarter);
    const median = row && !row.suppressed ? money(row.median) : null;
    let changePct: string | null = null;
    if (median !== null) {
      if (base === null) base = new Dec(median);
      changePct = base.isZero() ? null : pct(new Dec(median).minus(base), base);
    }
    return {
      quarter,
      label: quarterLabel(quarter),
      // A quarter with no charges at all is not suppressed: there is nothing to show.
      suppressed: row?.suppressed ?? false,
      placements: row && !row.suppressed ? row.placements : null,
      median,
      changePct,
      aboveUplift: changePct !== null && uplift !== null && new Dec(changePct).gt(uplift),
    };
  });
}
