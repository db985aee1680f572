import type { FindingStatus } from "./finding.js";
import { Dec, ZERO, formatMoney, moneyString, type DecimalString } from "./money.js";

/**
 * What a finding raised with the provider still owes: its amount less what was recovered
 * (typed by a reviewer or given back by a credit note). Only confirmed and recovered findings
 * are owed; open ones are at risk, not owed, and dismissed or superseded ones owe nothing.
 * A finding partly recovered stays owed for the rest until it is recovered in full.
 */
export function outstandingOf(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null): DecimalString {
  if (status !== "confirmed" && status !== "recovered") return moneyString(ZERO);
  const rest = new Dec(amount).minus(recovered ?? "0");
  return moneyString(rest.isNegative() ? ZERO : rest);
}

/** Whether a recovered finding got back less than its amount. */
export function isPartlyRecovered(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null): boolean {
  return status === "recovered" && new Dec(outstandingOf(status, amount, recovered)).greaterThan(ZERO);
}

/** "Partly recovered: £500.00 of £1,135.20, £635.20 outstanding", or null when nothing was recovered. */
export function recoveryText(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null): string | null {
  if (recovered === null || new Dec(recovered).isZero()) return null;
  const outstanding = outstandingOf(status, amount, recovered);
  if (new Dec(outstanding).greaterThan(ZERO)) {
    return `Partly recovered: ${formatMoney(recovered)} of ${formatMoney(amount)}, ${formatMoney(outstanding)} outstanding`;
  }
  return `Recovered: ${formatMoney(recovered)} of ${formatMoney(amount)}`;
}
