import type { FindingStatus } from "./finding.js";
import { Dec, ZERO, formatMoney, moneyString, type DecimalString } from "./money.js";

/**
 * What a finding raised with the provider still owes: its amount less what was recovered
 * (typed by a reviewer or given back by a credit note) and less a balance written off. Only
 * confirmed and recovered findings are owed; open ones are at risk, not owed, and dismissed or
 * superseded ones owe nothing. A finding partly recovered stays owed for the rest until it is
 * recovered in full or the rest is written off.
 */
export function outstandingOf(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null, writtenOff: DecimalString | null = null): DecimalString {
  if (status !== "confirmed" && status !== "recovered") return moneyString(ZERO);
  const rest = new Dec(amount).minus(recovered ?? "0").minus(writtenOff ?? "0");
  return moneyString(rest.isNegative() ? ZERO : rest);
}

/** Whether a recovered finding got back less than its amount and the rest is still owed. */
export function isPartlyRecovered(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null, writtenOff: DecimalString | null = null): boolean {
  return status === "recovered" && new Dec(outstandingOf(status, amount, recovered, writtenOff)).greaterThan(ZERO);
}

/** Whether the balance of a partly recovered finding was written off. */
export function hasWriteOff(writtenOff: DecimalString | null | undefined): boolean {
  return writtenOff !== null && writtenOff !== undefined && new Dec(writtenOff).greaterThan(ZERO);
}

/**
 * "Partly recovered: £500.00 of £1,135.20, £635.20 outstanding", "Partly recovered: £500.00 of
 * £1,135.20, balance of £635.20 written off", or null when nothing was recovered.
 */
export function recoveryText(status: FindingStatus, amount: DecimalString, recovered: DecimalString | null, writtenOff: DecimalString | null = null): string | null {
  if (recovered === null || new Dec(recovered).isZero()) return null;
  const outstanding = outstandingOf(status, amount, recovered, writtenOff);
  if (new Dec(outstanding).greaterThan(ZERO)) {
    return `Partly recovered: ${formatMoney(recovered)} of ${formatMoney(amount)}, ${formatMoney(outstanding)} outstanding`;
  }
  if (hasWriteOff(writtenOff)) {
    return `Partly recovered: ${formatMoney(recovered)} of ${formatMoney(amount)}, balance of ${formatMoney(writtenOff ?? "0")} written off`;
  }
  return `Recovered: ${formatMoney(recovered)} of ${formatMoney(amount)}`;
}

/** The status in words where a write-off changes it: "Partly recovered, balance written off". */
export function findingStatusText(status: FindingStatus, writtenOff: DecimalString | null): string | null {
  return status === "recovered" && hasWriteOff(writtenOff) ? "Partly recovered, balance written off" : null;
}
