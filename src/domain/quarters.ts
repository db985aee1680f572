import { AppError } from "./errors.js";

/** A calendar quarter, "2026-Q3": the consortium benchmark's period. */
export type Quarter = string;

export function isQuarter(value: string): boolean {
  return /^\d{4}-Q[1-4]$/.test(value);
}

export function requireQuarter(value: string): Quarter {
  if (!isQuarter(value)) throw new AppError("validation", `a quarter is written like 2026-Q3, not "${value}"`);
  return value;
}

/** The quarter an ISO date falls in. */
export function quarterOf(iso: string): Quarter {
  return `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}

/** First and last day of a quarter, ISO. */
export function quarterBounds(quarter: Quarter): { from: string; to: string } {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  const firstMonth = (q - 1) * 3 + 1;
  const lastDay = new Date(Date.UTC(year, firstMonth + 2, 0)).getUTCDate();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + 2)}-${pad(lastDay)}` };
}

/** The quarter `count` quarters after (or before, when negative) this one. */
export function addQuarters(quarter: Quarter, count: number): Quarter {
  const index = Number(quarter.slice(0, 4)) * 4 + Number(quarter.slice(6)) - 1 + count;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** "Jul to Sep 2026" */
export function quarterLabel(quarter: Quarter): string {
  const names = ["Jan to Mar", "Apr to Jun", "Jul to Sep", "Oct to Dec"];
  return `${names[Number(quarter.slice(6)) - 1] ?? quarter} ${quarter.slice(0, 4)}`;
}
