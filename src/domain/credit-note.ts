import { Dec, moneyString, type DecimalString } from "./money.js";

/**
 * Credit notes are stored by the size of their amounts (AUDIT.md: "its amounts count by their
 * size, whatever sign it prints them with"), and shown as credits: negative wherever the pages
 * and the API list them, so a credit note never reads as money owed.
 */
export function asShown(kind: string, amount: DecimalString): DecimalString;
export function asShown(kind: string, amount: DecimalString | null): DecimalString | null;
export function asShown(kind: string, amount: DecimalString | null): DecimalString | null {
  if (amount === null || kind !== "credit_note") return amount;
  return moneyString(new Dec(amount).abs().negated());
}
