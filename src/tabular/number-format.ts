/**
 * What a person sees in a spreadsheet cell: numbers and dates rendered through the cell's
 * number format, as Excel does in a UK locale. Covers the formats real finance sheets use
 * (General, 0.00, #,##0.00, currency with [$£-809], percentages, scientific, dates and times,
 * literal text in quotes, sections for negatives and zero); anything more exotic falls back
 * to General, which still shows the right number.
 */

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/**
 * Built-in formats 14 and 22 are the locale's short date (and date-time); exceljs spells them
 * in US order. A UK user sees 01/10/2026, never 10-01-26.
 */
const LOCALE_SHORT_DATE: Readonly<Record<string, string>> = {
  "mm-dd-yy": "dd/mm/yyyy",
  'm/d/yy "h":mm': "dd/mm/yyyy hh:mm",
  "m/d/yy h:mm": "dd/mm/yyyy hh:mm",
};

/**
 * Excel's General, as a wide column shows it: whole numbers in full up to 15 digits (ids and
 * PO numbers typed as numbers must not turn into 1.23457E+11), other numbers to 15
 * significant digits (which drops binary noise: 0.1 + 0.2 shows 0.3), no thousands separator.
 */
export function formatGeneral(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-9)) {
    const [mantissa = "0", power = "0"] = value.toExponential(5).split("e");
    const exponent = Number(power);
    return `${mantissa.replace(/\.?0+$/, "")}E${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const rounded = Number(value.toPrecision(15));
  return plainNumberString(rounded);
}

function plainNumberString(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Small numbers such as 1e-7 print without exponent, as Excel's General does up to 1e-9.
  return value.toFixed(12).replace(/\.?0+$/, "");
}

/** Splits a format into its `;` sections, ignoring `;` inside quotes, brackets or after `\`. */
function sections(format: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  let bracket = false;
  for (let i = 0; i < format.length; i += 1) {
    const ch = format[i] ?? "";
    if (ch === "\\" && !quoted) {
      current += ch + (format[i + 1] ?? "");
      i += 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "[") bracket = true;
    else if (!quoted && ch === "]") bracket = false;
    if (ch === ";" && !quoted && !bracket) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `[$£-809]` → `£`; colours and conditions vanish; locale tags such as `[$-409]` vanish. */
function stripBrackets(section: string): string {
  return section.replace(/\[\$([^\]-]*)(?:-[^\]]*)?\]/g, (_m, symbol: string) => (symbol ? `"${symbol}"` : "")).replace(/\[[^\]]*\]/g, "");
}

export function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const cleaned = stripBrackets(format).replace(/"[^"]*"/g, "").replace(/\\./g, "");
  return /[ymdhs]/i.test(cleaned) && !/^general$/i.test(cleaned.trim());
}

export function formatNumber(value: number, format: string | undefined): string {
  if (!format || /^\s*general\s*$/i.test(format) || format === "@") return formatGeneral(value);
  const parts = sections(format);
  let section = parts[0] ?? "General";
  let number = value;
  let signHandled = false;
  if (value < 0 && parts.length >= 2) {
    section = parts[1] ?? section;
    number = Math.abs(value);
    signHandled = true;
  } else if (value === 0 && parts.length >= 3) {
    section = parts[2] ?? section;
  }
  const text = renderNumberSection(number, stripBrackets(section));
  if (text === null) return formatGeneral(value);
  return !signHandled && value < 0 && !text.startsWith("-") && Number(number) !== 0 ? `-${text.replace(/^-/, "")}` : text;
}

/** Renders one number section; null when the section is beyond what we support. */
function renderNumberSection(value: number, section: string): string | null {
  if (/^\s*general\s*$/i.test(section)) return formatGeneral(value);
  if (/[?/]/.test(section.replace(/"[^"]*"/g, ""))) return null; // fractions
  // Split literal text from the numeric pattern.
  const tokens: Array<{ literal: string } | { pattern: string }> = [];
  let pattern = "";
  const flush = (): void => {
    if (pattern) tokens.push({ pattern });
    pattern = "";
  };
  for (let i = 0; i < section.length; i += 1) {
    const ch = section[i] ?? "";
    if (ch === '"') {
      const close = section.indexOf('"', i + 1);
      flush();
      tokens.push({ literal: section.slice(i + 1, close < 0 ? undefined : close) });
      i = close < 0 ? section.length : close;
    } else if (ch === "\\") {
      flush();
      tokens.push({ literal: section[i + 1] ?? "" });
      i += 1;
    } else if (ch === "_") {
      flush();
      tokens.push({ literal: " " });
      i += 1;
    } else if (ch === "*") {
      flush();
      i += 1; // fill character: nothing to show in text
    } else if ("0#,.%".includes(ch) || (/[Ee]/.test(ch) && /[0#]/.test(pattern) && /[+-]/.test(section[i + 1] ?? "")) || (/[+-]/.test(ch) && /[Ee]$/.test(pattern))) {
      pattern += ch;
    } else {
      flush();
      tokens.push({ literal: ch });
    }
  }
  flush();
  const numeric = tokens.filter((t): t is { pattern: string } => "pattern" in t && /[0#]/.test(t.pattern));
  const percents = (section.replace(/"[^"]*"/g, "").match(/%/g) ?? []).length;
  const scaled = value * 100 ** percents;
  if (numeric.length === 0) return tokens.map((t) => ("literal" in t ? t.literal : t.pattern)).join("");
  let used = false;
  const out = tokens.map((t) => {
    if ("literal" in t) return t.literal;
    if (!/[0#]/.test(t.pattern)) return t.pattern;
    if (used) return "";
    used = true;
    return renderDigits(scaled, t.pattern);
  });
  return out.join("");
}

function renderDigits(value: number, pattern: string): string {
  const percentSuffix = pattern.replace(/[^%]/g, "");
  const body = pattern.replace(/%/g, "");
  const exponent = /[Ee][+-]?0+$/.exec(body);
  if (exponent) {
    const mantissa = body.slice(0, exponent.index);
    const decimals = (mantissa.split(".")[1] ?? "").replace(/[^0#]/g, "").length;
    const [m, e] = value.toExponential(decimals).split("e");
    const power = Number(e);
    const digits = exponent[0].replace(/[^0]/g, "").length;
    const sign = power < 0 ? "-" : exponent[0].includes("+") ? "+" : "";
    return `${m}E${sign}${String(Math.abs(power)).padStart(digits, "0")}${percentSuffix}`;
  }
  const [intPattern = "", fracPattern = ""] = body.split(".");
  const trailingCommas = /,+$/.exec(intPattern)?.[0].length ?? 0;
  const scaledValue = value / 1000 ** trailingCommas;
  const grouping = intPattern.slice(0, intPattern.length - trailingCommas).includes(",");
  const minDecimals = (fracPattern.match(/0/g) ?? []).length;
  const maxDecimals = (fracPattern.match(/[0#]/g) ?? []).length;
  const negative = scaledValue < 0;
  let fixed = roundHalfUp(Math.abs(scaledValue), maxDecimals);
  if (maxDecimals > minDecimals && fixed.includes(".")) {
    fixed = fixed.replace(new RegExp(`0{1,${maxDecimals - minDecimals}}$`), "").replace(/\.$/, "");
  }
  const [wholePart = "0", fraction] = fixed.split(".");
  let whole = wholePart;
  const minIntDigits = (intPattern.match(/0/g) ?? []).length;
  if (whole === "0" && minIntDigits === 0) whole = "";
  whole = whole.padStart(minIntDigits, "0");
  if (grouping) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const text = fraction !== undefined && fraction !== "" ? `${whole}.${fraction}` : fracPattern.includes("0") ? `${whole}.` : whole;
  return `${negative && Number(fixed) !== 0 ? "-" : ""}${text}${percentSuffix}`;
}

/** toFixed rounds binary doubles (1.005 → "1.00"); a person expects 1.01. */
function roundHalfUp(value: number, decimals: number): string {
  const shifted = Number(`${value}e${decimals}`);
  if (!Number.isFinite(shifted)) return value.toFixed(decimals);
  return (Math.round(shifted) / 10 ** decimals).toFixed(decimals);
}

/** A date cell as a person sees it. exceljs dates carry the wall-clock time in their UTC fields. */
export function formatDateValue(date: Date, format: string | undefined): string {
  let pattern = format ? (LOCALE_SHORT_DATE[format] ?? format) : "dd/mm/yyyy";
  pattern = sections(stripBrackets(pattern))[0] ?? "dd/mm/yyyy";
  if (!isDateFormat(pattern)) pattern = "dd/mm/yyyy";
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const weekday = date.getUTCDay();
  const hours = date.getUTCHours();
  const minutes = date.getUTCMinutes();
  const seconds = date.getUTCSeconds();
  const twelveHour = /AM\/PM|A\/P/i.test(pattern);
  const tokens = pattern.match(/"[^"]*"|\\.|AM\/PM|A\/P|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|[^"\\]/gi) ?? [];
  let out = "";
  let lastWasHour = false;
  tokens.forEach((token, index) => {
    const lower = token.toLowerCase();
    const next = tokens.slice(index + 1).find((t) => /^[a-z]/i.test(t))?.toLowerCase() ?? "";
    if (token.startsWith('"')) out += token.slice(1, -1);
    else if (token.startsWith("\\")) out += token.slice(1);
    else if (lower === "am/pm") out += hours < 12 ? "AM" : "PM";
    else if (lower === "a/p") out += hours < 12 ? "A" : "P";
    else if (lower === "yyyy") out += String(year);
    else if (lower === "yy") out += String(year % 100).padStart(2, "0");
    else if (lower === "mmmmm") out += (MONTH_NAMES[month] ?? "").slice(0, 1);
    else if (lower === "mmmm") out += MONTH_NAMES[month] ?? "";
    else if (lower === "mmm") out += (MONTH_NAMES[month] ?? "").slice(0, 3);
    else if (lower === "mm" || lower === "m") {
      // After an hour or before seconds, m means minutes (Excel's rule).
      const isMinutes = lastWasHour || next.startsWith("s");
      const number = isMinutes ? minutes : month + 1;
      out += lower === "mm" ? String(number).padStart(2, "0") : String(number);
    } else if (lower === "dddd") out += DAY_NAMES[weekday] ?? "";
    else if (lower === "ddd") out += (DAY_NAMES[weekday] ?? "").slice(0, 3);
    else if (lower === "dd") out += String(day).padStart(2, "0");
    else if (lower === "d") out += String(day);
    else if (lower === "hh" || lower === "h") {
      const h = twelveHour ? ((hours + 11) % 12) + 1 : hours;
      out += lower === "hh" ? String(h).padStart(2, "0") : String(h);
    } else if (lower === "ss" || lower === "s") out += lower === "ss" ? String(seconds).padStart(2, "0") : String(seconds);
    else out += token;
    if (/^[a-z]/i.test(token) && !token.startsWith('"')) lastWasHour = lower === "hh" || lower === "h";
  });
  return out;
}
