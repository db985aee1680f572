/**
 * How many placements make about `lines` invoice lines in the year. Measured on the generator
 * (seed 1): about 11.7 lines per placement a year (the fee lines of the months placed, absence
 * splits, discount and 1:1 hour lines); a little over, so that the year is seldom cut short.
 */
export const LINES_PER_PLACEMENT = 11;

export function placementsFor(lines: number): number {
  return Math.max(40, Math.ceil(lines / LINES_PER_PLACEMENT));
}
