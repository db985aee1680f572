import { moneyString, type DecimalString } from "../domain/money.js";

/** Two decimals as the database prints money: what moneyString gives, without a Dec for the usual spelling. */
const PLAIN_MONEY = /^-?(?:0|[1-9]\d*)\.\d\d$/;

export function moneyText(text: DecimalString): DecimalString {
  // "-0.00" is printed "0.00" by moneyString; every other plain two-decimal spelling is already its own moneyString.
  return PLAIN_MONEY.test(text) && !text.startsWith("-0.00") ? text : moneyString(text);
}
