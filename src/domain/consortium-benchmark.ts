import type { Quarter } from "./quarters.js";

/**
 * The consortium benchmark as the page and the workbook show it (services/consortium lays it
 * out from the database's suppressed figures). Money and percentages are exact decimal strings.
 */
export const SUPPRESSED_TEXT = "fewer than 5 placements";

export interface MemberFigure {
  member: string;
  suppressed: boolean;
  placements: number | null;
  median: string | null;
  /** Member median − consortium median, pounds; null when either is not shown. */
  difference: string | null;
  /** difference ÷ consortium median × 100, to 0.1. */
  differencePct: string | null;
}

export interface MeasureFigures {
  suppressed: boolean;
  placements: number | null;
  median: string | null;
  low: string | null;
  high: string | null;
  members: MemberFigure[];
}

export interface DriftQuarter {
  quarter: Quarter;
  label: string;
  suppressed: boolean;
  placements: number | null;
  median: string | null;
  /** Change of the charged median since the first quarter shown, percent to 0.1. */
  changePct: string | null;
  aboveUplift: boolean;
}

export interface ServiceBenchmark {
  providerId: string;
  providerName: string | null;
  providerKind: string | null;
  item: string;
  serviceLevel: string;
  unit: string;
  paid: MeasureFigures;
  charged: MeasureFigures;
  frameworkRate: string | null;
  annualUpliftPct: string | null;
  /** Charged median − framework rate, and as % of the framework rate. */
  chargedOverFramework: string | null;
  chargedOverFrameworkPct: string | null;
  drift: DriftQuarter[];
  /** The latest shown quarter's change exceeds the framework's annual uplift. */
  driftAboveUplift: boolean;
}

export interface ConsortiumBenchmark {
  consortium: { id: number; code: string; name: string; members: string[] };
  quarter: Quarter;
  quarterLabel: string;
  from: string;
  to: string;
  driftQuarters: { quarter: Quarter; label: string }[];
  services: ServiceBenchmark[];
}

