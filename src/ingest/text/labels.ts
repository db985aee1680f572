import type { Unit } from "../../domain/reference.js";

/**
 * The label spellings of DATA.md "Invoices" (and a few common neighbours of them). Matching is
 * case-insensitive and ignores trailing colons, `#`, `No.`-style dots, `(£)` and the like.
 */

/** Fields found in the header (and totals) blocks of an invoice, outside the line table. */
export type HeaderField =
  | "invoiceNumber"
  | "invoiceDate"
  | "period"
  | "periodFrom"
  | "periodTo"
  | "creditsInvoice"
  | "vatNumber"
  | "subtotal"
  | "vat"
  | "total";

/** Columns of the line table. */
export type ColumnField =
  | "child"
  | "placement"
  | "description"
  | "from"
  | "to"
  | "period"
  | "date"
  | "quantity"
  | "unit"
  | "rate"
  | "amount";

export const HEADER_LABELS: Readonly<Record<HeaderField, readonly string[]>> = {
  invoiceNumber: [
    "Invoice No", "Invoice Number", "Invoice #", "Inv No", "Invoice Ref", "Credit Note No",
    "Invoice Reference", "Inv Number", "Inv #", "Invoice Num", "Credit Note Number", "Credit Note #", "Credit Note Ref",
    "Credit No", "Document No", "Tax Invoice No", "Tax Invoice Number", "VAT Invoice No", "VAT Invoice Number",
    "Invoice Nr", "Our Ref", "Our Reference", "Sales Invoice No", "Sales Invoice Number", "Bill No", "Bill Number",
    "Statement No", "Statement Number", "Document Number",
    // A letter's own words for its number ("Our invoice no: HSB-0090").
    "Our Invoice No", "Our Invoice Number", "Our Invoice Ref", "Our Invoice Reference", "Our Inv No", "This Invoice No",
    // A credit memo's own number ("Memo no. HSB-CM-0014"), as US accounts packages name credit notes.
    "Memo No", "Memo Number", "Credit Memo No", "Credit Memo Number", "Credit Memo #", "Memo #",
    // An adjustment note's own number (a credit note by another name when it credits the buyer).
    "Adjustment Note No", "Adjustment Note Number", "Adjustment Note Ref", "Adjustment No", "Adjustment Number",
  ],
  invoiceDate: ["Invoice Date", "Date", "Tax Point", "Date of Issue", "Tax Point Date", "Issue Date", "Date Issued", "Credit Note Date", "Date of Invoice",
    // Sage and accounts packages: the invoice date is the VAT tax point, labelled as both.
    "Tax Date", "Invoice/Tax Date", "Invoice / Tax Date", "Tax Point/Invoice Date", "Invoice Date/Tax Point", "Date/Tax Point",
    "Date of Supply", "Invoice Issued", "Dated", "Issued", "Issued on", "Memo Date", "Credit Memo Date"],
  period: ["Period", "Billing Period", "Period Covered", "Invoice Period", "Service Period", "Billing Month", "Period of Care",
    // A month billed whole, printed under its own label ("Month  2026/11"): a spreadsheet's header cells.
    "Month", "Invoice Month", "Service Month", "Month of Service"],
  periodFrom: ["Period From", "Period Start", "Billing Period From", "Period Start Date", "Start of Service", "Service Start", "Service From"],
  periodTo: ["Period To", "Period End", "Billing Period To", "Period End Date", "End of Service", "Service End", "Service To"],
  creditsInvoice: [
    "Credit for Invoice", "Original Invoice", "Against Invoice", "Re Invoice", "Invoice Credited",
    "Credited Invoice", "Relating to Invoice", "Original Invoice No", "Original Invoice Number", "Credit Against Invoice",
    "Re: Invoice",
    // An adjustment's pointer to the invoice it corrects.
    "Relates to Invoice", "Related Invoice", "Adjusts Invoice",
  ],
  vatNumber: ["VAT Reg No", "VAT Registration Number", "VAT No", "VAT Number", "VAT Reg", "VAT Registration No", "VAT Reg Number", "VAT Registration"],
  subtotal: ["Subtotal", "Sub-total", "Sub total", "Net Total", "Total Net", "Total (Net)", "Total excl VAT", "Total excluding VAT", "Total before VAT", "Net Amount",
    "Total Net Amount", "Net Value", "Goods Total", "Total excl. VAT", "Amount before VAT", "Total ex VAT", "Subtotal (excl VAT)",
    "Goods Value",
    // The net figure named by what was charged ("Net charges", "Net fees").
    "Net Charges", "Total Net Charges", "Net Fees", "Total Net Fees", "Net Costs",
    // A credit note's own words for the same rows.
    "Net Credit", "Total Net Credit", "Net Credit Total", "Net Credit Amount", "Credit Subtotal", "Credit Sub-total"],
  vat: ["VAT", "VAT @ 20%", "Tax", "VAT Amount", "Total VAT", "VAT Total", "Tax Amount", "Total Tax", "Output VAT", "VAT Credit", "VAT Credited", "Credit VAT"],
  total: [
    "Total", "Total Due", "Amount Due", "Balance Due", "Invoice Total", "Total Payable", "Amount Payable", "Grand Total",
    "Total Amount", "Total Amount Due", "Total incl VAT", "Total including VAT", "Credit Total", "Total Credit", "Credit Note Total",
    "Total to Pay", "Total (GBP)", "Balance", "Balance Outstanding", "Amount Outstanding", "Total Invoice Value", "Invoice Amount", "Invoice Value",
    "Total inc VAT", "Total Gross", "Gross Total", "Amount to Pay", "Please Pay", "Total Payable (GBP)",
    "Total Credited", "Total Amount Credited", "Gross Credit", "Total Credit Due", "Amount to be Credited",
    // What a credit note puts back on the account, named so ("Total credited to your account").
    "Total Credited to your Account", "Credited to your Account", "Total Credited to Account", "Amount Credited to your Account",
    "Total Adjustment", "Adjustment Total", "Total Adjustments",
    // A statement's summary of what it charges: the sum of every block, the figure to pay.
    "Charges this Statement", "Total Charges this Statement", "Charges for this Statement",
  ],
};

export const COLUMN_LABELS: Readonly<Record<ColumnField, readonly string[]>> = {
  child: ["Child Ref", "Child ID", "Child", "Young Person", "YP Ref", "Client Ref", "LA Ref", "Child Reference", "YP", "YP ID", "Young Person Ref", "Client ID", "Child No", "LA Reference",
    "Client", "Client Reference", "Service User", "Service User Ref", "Service User ID", "Resident", "Resident Ref", "Young Person ID",
    "Name/Ref", "Name / Ref", "Child Name", "Young Person Name", "Resident Name", "Client Name", "Service User Name", "Child/YP", "Child / YP",
    "Child's Name", "Young Person's Name", "Child Ref/Name", "YP Name", "Person", "Pupil", "Learner", "Resident ID", "Client No", "Service User No", "Foster Child", "Foster Child Ref", "Looked After Child", "LAC Ref"],
  placement: ["Placement Ref", "Placement ID", "PO", "PO Number", "Purchase Order", "PO No", "PO Ref", "Placement Reference", "Purchase Order No", "Purchase Order Number", "Placement No",
    "Order No", "Order Number", "Order Ref", "Your Order No", "Your Ref", "PO #",
    "Your Reference", "Council Ref", "LA PO", "PO/Ref", "Purchase Order Ref", "Commissioning Ref", "Contract Ref", "Contract No",
    "Placement Number", "Order", "P.O.", "Authority Ref", "Local Authority Ref", "Your PO"],
  description: [
    "Description", "Service", "Details", "Item", "Service Description", "Particulars", "Narrative", "Item Description",
    "Product", "Product Description", "Charge Name", "Charge Description", "Service Provided", "Description of Service",
    "Item Name", "Product/Service", "Services",
    // Other accountants' words: a stay, a credit's reason, a care package, a line's memo.
    "Reason", "Reason for Credit", "Credit Reason", "Why Credited", "Why Credit", "Reason for Adjustment", "Adjustment Reason", "Care Package", "Package", "Package of Care", "Placement Description",
    "Description of Charge", "Details of Service", "Type of Care", "Care Type", "Service Type", "Placement Type", "Line Description",
    "Memo", "Activity", "Provision", "Support", "Support Provided", "Care Provided", "Detail", "Description of Services", "Item Details",
    "Nature of Charge", "Charge Details", "Service Details",
    // A fostering fee split into its parts (the carer's allowance, the agency's fee) per child.
    "Element", "Fee Element", "Charge Element", "Cost Element", "Care Element", "Element of Fee",
  ],
  from: ["From", "Start", "Period From", "Date From", "Start Date", "From Date", "Start of Service", "Service Start", "Period Start", "Date Start",
    "Arrival", "Arrival Date", "Date In", "Admission Date", "First Night", "Check In", "Starting",
    // A stay's dates named by the verb: "Arrive" / "Depart", "Arrived" / "Departed".
    "Arrive", "Arrived", "Arrives", "Date Arrived"],
  to: ["To", "End", "Period To", "Date To", "End Date", "To Date", "End of Service", "Service End", "Period End", "Date End",
    "Departure", "Departure Date", "Date Out", "Discharge Date", "Last Night", "Check Out", "Ending", "Until",
    "Depart", "Departed", "Departs", "Date Departed",
    // The pair "Start" / "Finish" of a case system's export.
    "Finish", "Finish Date", "Date Finish", "Finished"],
  period: [
    "Period", "Billing Period", "Period Covered", "Dates", "Service Period", "Period of Care",
    "Week", "Week Commencing", "Week Beginning", "W/C", "WC", "Week Ending",
    "Period of Service", "Service Dates", "Dates of Service", "Dates Covered", "Service Period Dates",
    "W/E", "W/E Date", "Week Ending Date", "Week End", "Week Commencing Date", "W/C Date", "Stay Dates", "Dates of Stay",
    "Period Charged", "Charge Period", "Period Billed", "Care Period", "Placement Period", "Date Range", "Dates Charged",
    // A week named by the date it starts or ends on: alone, one date and the week it bounds; paired
    // ("Week Start" | "Week End") the two bounds of the line's period (week-bound-columns.ts).
    "Week Start", "Week Starting", "Week Start Date", "Week End Date", "Week Beginning Date",
    // The question the column answers, over a date or a range of them ("When": "Dec 1–31, 2026").
    "When",
    // A month billed whole ("November 2026" under "Month").
    "Month", "Billing Month", "Month of Service", "Service Month",
  ],
  date: ["Date", "Service Date"],
  quantity: [
    "Qty", "Quantity", "Nights", "Days", "Weeks", "Hours", "Units", "No. of nights", "No of weeks", "No of days", "No of hours",
    "Miles", "Sessions", "Number of nights", "Number of weeks", "Number of days", "Number of hours",
    "Hrs", "Hrs/Qty", "Qty/Hrs", "No of sessions", "No of units", "Number of units", "Duration",
    "No. Nights", "No. Days", "No. Weeks", "No. Hours", "Nights Stayed", "Days Charged", "Nights Charged", "Weeks Charged",
    "Hours Charged", "Days Billed", "Nights Billed", "Weeks Billed", "Hours Worked", "Days Attended", "Sessions Attended",
    "Hours Delivered", "Sessions Delivered", "Qty (Nights)", "Qty (Weeks)", "Qty (Days)", "No. of Units",
    // A cell printing the quantity and its rate together ("31 nights @ £124.00").
    "Charge Basis", "Basis", "Basis of Charge",
    // An adjustment's working printed the same way ("30 nights × £5.00").
    "Calculation", "Calculation of Credit", "Calculation of Adjustment", "How Calculated",
  ],
  unit: ["Unit", "UoM", "Per", "Unit of Measure", "Units of Measure"],
  rate: [
    "Rate", "Unit Price", "Unit Rate", "Weekly Rate", "Nightly Rate", "Price", "Fee", "Daily Rate", "Hourly Rate", "Weekly Fee",
    "Nightly Fee", "Unit Cost", "Rate per week", "Rate per night", "Rate per hour", "Rate per mile", "Mileage Rate",
    "Rate/Price", "Price/Rate", "Unit Amount", "Price per Unit", "Cost per Unit", "Unit Charge", "Each",
    // "Per Night" over a column of figures is the price of one night, not the unit ("Per" alone is).
    "Per Night", "Per Week", "Per Day", "Per Hour", "Per Session", "Per Mile", "Per Item", "Per Unit", "Price Each", "Cost Each",
    "Weekly Charge", "Nightly Charge", "Daily Charge", "Hourly Charge", "Weekly Cost", "Nightly Cost", "Daily Cost", "Hourly Cost",
    "Weekly Price", "Daily Fee", "Hourly Fee", "Session Fee", "Session Rate", "Agreed Rate", "Agreed Weekly Rate", "Contract Rate",
    "Standard Rate", "Tariff",
    // An adjustment's price of one unit: the difference between the rate charged and the rate agreed.
    "Difference / Night", "Difference / Week", "Difference / Day", "Difference per Night", "Difference per Week",
    "Difference per Day", "Rate Difference", "Difference in Rate",
  ],
  amount: [
    "Amount", "Line Total", "Total", "Net", "Value", "Cost", "Net Amount", "Line Amount", "Total Cost", "Amount (Net)",
    "Net Value", "Total Net", "Amount excl VAT", "Net Total", "Charge Amount", "Sub Total", "Subtotal",
    "Gross", "Gross Amount",
    // A credit note's column of figures; an accounts package's net and gross columns.
    "Credit", "Credit Amount", "Amount Credited", "Credit Value", "Ex VAT", "Amount ex VAT", "Net ex VAT", "Net (ex VAT)", "Line Value",
    "Line Net", "Total Charge", "Total Fee", "Fee Total", "Total Price", "Extended Price", "Ext Price", "Ext Amount", "Sum",
    "Amount Charged", "Charged", "Total for Period", "Period Total", "Line Cost", "Gross (inc VAT)", "Total inc VAT",
  ],
};

/**
 * When several headings of one table name the same field, the first in this order is the line's
 * value (a table with "Net", "VAT" and "Total" columns bills the net amount).
 */
export const AMOUNT_PREFERENCE = [
  "amount", "net amount", "amount net", "net", "net value", "amount excl vat", "total net", "net total", "line total", "line amount",
  "charge amount", "value", "cost", "total cost", "sub total", "subtotal", "total", "gross amount", "gross",
];

/** Lower case, no currency marks or trailing punctuation, single spaces: the key labels are compared by. */
export function normaliseLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/\(\s*(?:£|gbp|gbp £|£ gbp)\s*\)/g, " ")
    .replace(/£|\bgbp\b/g, " ")
    .replace(/\bno\./g, "no")
    .replace(/\b([a-z])\.([a-z])\b\.?/g, "$1$2")
    .replace(/[\u00a0\s]+/g, " ")
    .replace(/[.:#*]+/g, " ")
    .replace(/[-_/]+/g, " ")
    .replace(/\(\s*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const percentPart = /\s*(?:@|at)?\s*\(?\s*\d+(?:\.\d+)?\s*%\s*\)?/g;

/**
 * The VAT treatment in brackets after a totals label, "VAT (exempt)", "VAT (zero-rated)": it says
 * why the figure is nil, it does not change which total the row is, as a printed rate does not.
 * The VAT code a ledger prints before it ("VAT (EX - exempt)", "(T2 - exempt)") goes with it, and
 * the supply it qualifies after it ("(VAT exempt supply)").
 */
const vatTreatmentPart = /\(\s*(?:[a-z]{1,2}\d?\s*[-–—=:]\s*)?(?:vat\s+)?(?:exempt(?:ed)?|zero[\s-]?rated|nil|outside\s+(?:the\s+)?scope)(?:\s+(?:from|of)\s+vat)?(?:\s+suppl(?:y|ies))?\s*\)/gi;

/**
 * "Total adjustment in your favour", "Balance in your favour": whose favour a credit's total is
 * in says which way the money goes, not which total the row is.
 */
const inFavourPart = /\s+in\s+(?:your|the\s+council's|the\s+customer's)\s+favou?r\s*:?\s*$/i;

/** A totals label with its rate stripped: "VAT @ 20%" → "vat", "Total (GBP):" → "total", "VAT (exempt)" → "vat". */
export function normaliseTotalsLabel(text: string): string {
  return normaliseLabel(
    text.replace(percentPart, " ").replace(vatTreatmentPart, " ").replace(/\(\s*(?:gbp|£)\s*\)/gi, " ").replace(inFavourPart, " "),
  );
}

function keyMap<F extends string>(labels: Readonly<Record<F, readonly string[]>>, normalise: (t: string) => string): Map<string, F> {
  const map = new Map<string, F>();
  for (const [field, list] of Object.entries(labels) as [F, readonly string[]][]) {
    for (const label of list) if (!map.has(normalise(label))) map.set(normalise(label), field);
  }
  return map;
}

const COLUMN_KEYS = keyMap(COLUMN_LABELS, normaliseLabel);

/**
 * Headings that name one field in one table and another in the next: "Charge" is the description
 * ("Charge Name") beside an amount column and the amount beside a description; "Ref" or "Our Ref"
 * is the placement beside a child column and the child beside a placement column; a bare "£" is
 * the amount when nothing else is. The other headings of the row decide (columns.ts); where they
 * cannot, the table is refused with the heading quoted rather than read by a guess.
 */
export const AMBIGUOUS_HEADINGS: ReadonlyMap<string, readonly ColumnField[]> = new Map<string, readonly ColumnField[]>([
  ["charge", ["description", "amount"]],
  ["charges", ["description", "amount"]],
  ["ref", ["child", "placement"]],
  ["reference", ["child", "placement"]],
  ["our ref", ["child", "placement"]],
  ["our reference", ["child", "placement"]],
  ["ref no", ["child", "placement"]],
  // "Placement" beside a child column names the placement reference; beside no description it may be the care.
  ["placement", ["placement", "description"]],
  // "Stay" is what the line is beside dates of stay, and the dates ("9–10 Oct 2026") beside a "Service".
  ["stay", ["description", "period"]],
]);

/** The fields an ambiguous heading could name, or null when the heading is not ambiguous. */
export function ambiguousFieldsOf(heading: string): readonly ColumnField[] | null {
  if (/^\(?\s*(?:£|GBP|£\s*GBP)\s*\)?$/i.test(heading.trim())) return ["amount"];
  return AMBIGUOUS_HEADINGS.get(normaliseLabel(heading)) ?? null;
}

/**
 * Headings built from a field word and a unit, in the orders accountants write them: "Cost per
 * week", "Charge p/w", "Weekly Charge" are rates; "No. Nights", "Nights Stayed", "Days Charged"
 * are quantities. Read by shape so the hundredth spelling needs no list entry.
 */
const UNIT_WORD = "(?:weeks?|wks?|nights?|days?|hours?|hrs?|miles?|sessions?|units?)";
const RATE_SHAPES: readonly RegExp[] = [
  new RegExp(`^(?:cost|charge|price|fee|rate|amount|tariff)s? (?:per|p|a|each) ${UNIT_WORD}$`),
  new RegExp(`^(?:cost|charge|price|fee|rate|amount)s? p ?[wndh]$`),
  /^(?:weekly|nightly|daily|hourly|per session|sessional) (?:charge|cost|price|fee|rate|amount|tariff)s?$/,
  // "Night Rate", "Day Fee", "Session Charge": the price of one of the unit it is named by (a
  // singular unit word: "Nights Charged" counts them).
  /^(?:week|wk|night|day|hour|hr|mile|session) (?:charge|cost|price|fee|rate|tariff)$/,
];
const QUANTITY_SHAPES: readonly RegExp[] = [
  new RegExp(`^(?:no|number|num|qty|total)(?: of)? ${UNIT_WORD}(?: (?:stayed|charged|billed|provided|delivered|attended|worked|used|claimed|supplied|booked|credited|refunded|invoiced|paid))?$`),
  new RegExp(`^${UNIT_WORD} (?:stayed|charged|billed|provided|delivered|attended|worked|used|claimed|supplied|booked|credited|refunded|invoiced|paid)$`),
  // "Qty Paid", "Quantity Invoiced": the count, named by what was done with it.
  /^(?:qty|quantity) (?:paid|charged|billed|provided|delivered|used|claimed|supplied|booked|credited|refunded|invoiced)$/,
  // A plural or abbreviated unit word alone over a column of figures counts them ("Wks", "Hrs",
  // "Sessions"); a singular one ("night" under a wrapped "Cost per") is what a rate is per.
  /^(?:weeks|wks|nights|days|hours|hrs|miles|sessions|units)$/,
];

/** Who a placement is for when it is more than one child: a family, a household, a sibling group, a parent and child. */
const PLACED_UNIT = "(?:family|families|household|sibling group|siblings|parent (?:and |& )?(?:child|baby)|mother (?:and |& )?(?:child|baby))";

function cleanHeading(text: string): string {
  return text.replace(/[\u00a0\s]+/g, " ").trim();
}

function fieldByShape(key: string): ColumnField | null {
  // "Details of credit", "Description of service": what the line is, whatever it is of.
  if (/^(?:details?|description|particulars|narrative|nature) (?:of|for) [a-z ]+$/.test(key)) return "description";
  // "Support Type", "Type of Support": the kind of service is what the line is.
  // "Fee Type", "Cost Type", "Charge Type": which of the provider's charges the line is.
  if (/^(?:(?:support|service|care|placement|package|provision|charge|fee|cost|payment|item|line) type|type of (?:support|service|care|placement|provision|charge|fee|cost|payment))$/.test(key)) return "description";
  // "Week From" / "Week To", "Stay From", "Dates To": the first and last night billed, named by
  // what they bound. Only the words for a stay or a service: "Charge To", "Invoice To" are addresses.
  // "Funding PO", "Referral PO Number": a purchase order named by whose it is (the council's, the
  // referral's) is still the placement's reference. A PO's date or value ends otherwise.
  // Not whose the word names another column ("Child/PO", "Client PO": the child's and the PO's
  // references side by side, read as two by joinedReferenceHeading).
  // "Family", "Household Ref", "Sibling Group ID", "Parent & Child No": the placed unit a parent
  // and child or a sibling group are billed under is named for who is placed, as "Resident" or
  // "Client" is; its reference is the child's (DATA.md child_ref), never the order's. Without
  // this, "Family / Order" would pass for a translation of "Order" and print the child as a PO.
  if (new RegExp(`^${PLACED_UNIT}(?: (?:ref|reference|id|no|number|code))?$`).test(key)) return "child";
  const owner = /^(?!total |net |gross )([a-z]+) (?:po|purchase order)(?: (?:no|number|ref|reference))?$/.exec(key);
  if (owner && !COLUMN_KEYS.has(owner[1] ?? "")) return "placement";
  // "Council Order", "Authority Order No": an order named as the buyer's is the placement's
  // purchase order. Only the buyer's: a "Sales Order" or "Sort Order" is not.
  if (/^(?:council|authority|la|local authority|customer|commissioner|commissioning|funder|funding|buyer|purchaser|purchasing|referral|your) order(?: (?:no|number|ref|reference))?$/.test(key)) return "placement";
  // "Unit Type", "Type of Unit", "Charge Unit": what the quantity counts ("Hours", "Miles").
  if (/^(?:units? type|type of units?|(?:charge|charging|billing|pricing) units?)$/.test(key)) return "unit";
  // "Fee Element", "Charge Component": which part of the provider's charges the line bills.
  if (/^(?:fee|charge|cost|service|care|billing|price|payment) (?:element|component)s?$/.test(key)) return "description";
  // "Net Charge", "Line Fee", "Gross Cost": a line's money named by the figure it is. Not "Net
  // Price": accounts packages print the unit price after discount under it.
  if (/^(?:net|gross|line) (?:charge|fee|cost)s?$/.test(key)) return "amount";
  const bound = /^(?:weeks?|stays?|services?|care|placements?|support|nights?|dates?|packages?|sessions?|billed|charged) (from|to|until)$/.exec(key);
  if (bound) return bound[1] === "from" ? "from" : "to";
  if (RATE_SHAPES.some((shape) => shape.test(key))) return "rate";
  if (QUANTITY_SHAPES.some((shape) => shape.test(key))) return "quantity";
  return null;
}
const TOTALS_KEYS = keyMap(
  { subtotal: HEADER_LABELS.subtotal, vat: HEADER_LABELS.vat, total: HEADER_LABELS.total },
  normaliseTotalsLabel,
);

/** The column a table heading names, if any (extra synonyms from a template come first). */
export function columnFieldOf(heading: string, extra?: ReadonlyMap<string, ColumnField>): ColumnField | null {
  // "£/hr", "£ per night", "GBP/wk": money per unit is the rate (the currency mark is the word).
  if (new RegExp(`^(?:£|gbp)\\s*(?:/|per\\b|p/?)\\s*${UNIT_WORD}$`, "i").test(cleanHeading(heading))) return "rate";
  const normalised = normaliseLabel(heading);
  const key = stripHeadingUnits(normalised);
  const field = extra?.get(normalised) ?? extra?.get(key) ?? COLUMN_KEYS.get(normalised) ?? fieldByShape(normalised) ?? COLUMN_KEYS.get(key) ?? compoundFieldOf(heading, extra) ?? translatedFieldOf(heading, extra);
  if (field !== null) return field;
  // "Wk Ending", "Wk Start": a heading with its words abbreviated names what the words in full do.
  const spelledOut = spellOutHeadingWords(normalised);
  return spelledOut === normalised ? null : columnFieldOf(spelledOut, extra);
}

/** Abbreviated words of a normalised heading spelled out ("wk" → "week"); the key unchanged when none is. */
function spellOutHeadingWords(key: string): string {
  return key.replace(/\bwks\b/g, "weeks").replace(/\bwk\b/g, "week");
}

/**
 * A heading in two languages ("Disgrifiad / Description", "Uned / Unit"): the field its other
 * half names, when its first half names none (a translation, not an alternative such as
 * "Qty / Rate", which compoundFieldOf leaves unnamed).
 */
function translatedFieldOf(heading: string, extra?: ReadonlyMap<string, ColumnField>): ColumnField | null {
  const other = otherLanguage(heading);
  if (other === null) return null;
  const first = heading.slice(0, heading.lastIndexOf(other)).replace(/\s*\/\s*$/, "");
  return columnFieldOf(first, extra) === null ? columnFieldOf(other, extra) : null;
}

/**
 * "Hrs/Qty", "Rate / Price", "Qty & Unit Price"? A heading made of alternatives names a field
 * only when every alternative names the same one (so "Qty/Rate" names none: it is not guessed).
 */
function compoundFieldOf(heading: string, extra?: ReadonlyMap<string, ColumnField>): ColumnField | null {
  const parts = heading.split(/\s*(?:\/|&|\bor\b)\s*/i).filter((p) => p.trim() !== "");
  if (parts.length < 2) return null;
  // "Fee/Night", "Rate/Wk": a money word over the unit it is the price of (only with the slash:
  // "Cost" and "night" side by side may be two headings).
  const [money, per] = parts.map((part) => normaliseLabel(part));
  if (parts.length === 2 && /^(?:cost|charge|price|fee|rate|tariff)s?$/.test(money ?? "") && new RegExp(`^${UNIT_WORD}$`).test(per ?? "") && heading.includes("/")) return "rate";
  const fields = new Set(parts.map((part) => {
    const key = stripHeadingUnits(normaliseLabel(part));
    return extra?.get(key) ?? COLUMN_KEYS.get(key) ?? fieldByShape(key);
  }));
  const [only] = [...fields];
  return fields.size === 1 && only !== undefined ? only : null;
}

/**
 * The mark two headings are printed joined by, and their cells too: a slash, a bar, a middle dot
 * or a dash (en and em dashes, or a hyphen set between spaces: a hyphen touching its words is
 * part of a reference, "PO-480906").
 */
export type JoiningMark = "/" | "|" | "·" | "dash";

const JOINING_MARK = /\s*([/|·])\s*|\s*([–—])\s*|\s+(-)\s+/g;

/** The parts of a text at its joining marks, with which mark each was. */
export function splitAtJoiningMarks(text: string): { parts: string[]; marks: JoiningMark[]; starts: number[]; ends: number[] } {
  const parts: string[] = [];
  const marks: JoiningMark[] = [];
  const starts: number[] = [0];
  const ends: number[] = [];
  let from = 0;
  for (const m of text.matchAll(JOINING_MARK)) {
    parts.push(text.slice(from, m.index));
    ends.push(m.index);
    marks.push(m[1] === "/" || m[1] === "|" || m[1] === "·" ? m[1] : "dash");
    from = m.index + m[0].length;
    starts.push(from);
  }
  parts.push(text.slice(from));
  ends.push(text.length);
  return { parts, marks, starts, ends };
}

/** Two reference headings printed as one: which field each half names, the mark between them, and where the halves lie in the text. */
export interface JoinedHeading {
  fields: readonly [ColumnField, ColumnField];
  mark: JoiningMark;
  /** Character offsets of the first half's end and the second half's start. */
  firstEnd: number;
  secondStart: number;
}

/**
 * A heading naming the child's and the placement's references at once, joined by a mark: "Client
 * / Order", "Child/PO", "Young person – placement ref", "PO | Child". Each half names one of the
 * two (an ambiguous "Ref" beside a child names the placement); the cells below print both
 * references joined by the same mark (joined-references.ts). A heading that names one field as a
 * whole ("Service / Description", "Name/Ref", "Child/YP") is not two, nor are two fields that are
 * not the references ("Qty / Rate"): only references have a shape that says a cell split right.
 */
export function joinedReferenceHeading(heading: string, extra?: ReadonlyMap<string, ColumnField>): JoinedHeading | null {
  const text = cleanHeading(heading);
  if (columnFieldOf(text, extra) !== null) return null;
  const split = splitAtJoiningMarks(text);
  const [first, second] = split.parts;
  const [mark] = split.marks;
  if (split.parts.length !== 2 || first === undefined || second === undefined || mark === undefined || first === "" || second === "") return null;
  const named = [columnFieldOf(first, extra), columnFieldOf(second, extra)];
  const other = (field: ColumnField | null): ColumnField | null => (field === "child" ? "placement" : field === "placement" ? "child" : null);
  // "Child / Ref": a heading that names either reference names the one its other half does not.
  const resolved = [first, second].map((part, k) => {
    const partner = other(named[1 - k] ?? null);
    return named[k] ?? (partner !== null && ambiguousFieldsOf(part)?.includes(partner) ? partner : null);
  });
  const [a, b] = resolved;
  if (a === null || b === null || a === undefined || b === undefined || other(a) !== b) return null;
  return { fields: [a, b], mark, firstEnd: split.ends[0] ?? 0, secondStart: split.starts[1] ?? 0 };
}

/** "rate per wk (£)" style headings keep their field when the unit part is removed. */
function stripHeadingUnits(key: string): string {
  if (COLUMN_KEYS.has(key)) return key;
  const stripped = key.replace(/\s*\((?:per )?[a-z ]+\)$/, "").replace(/\s+(?:per|p) (?:week|wk|night|day|hour|hr|mile)$/, "").trim();
  return stripped === "" ? key : stripped;
}

/**
 * Totals labels read by shape, so the next provider's wording needs no list entry:
 * - the net subtotal named by what it adds up: "Total zero-rated supplies", "Total exempt
 *   supplies", "Total net charges", "Net fees total" (the supplies before any VAT);
 * - the total named by when it is due: "Amount now due", "Balance due now", "Total now payable";
 * - the VAT row whose label explains why it is nil after a dash or colon: "VAT – exempt supply of
 *   welfare services", "VAT: zero-rated". Only with the dash or colon, and never naming a base
 *   ("VAT exempt supplies", "VAT: exempt sales" print what was supplied, not the tax).
 */
const VAT_TREATMENT = "(?:exempt(?:ed)?|zero rated|nil(?: rated| rate)?|outside (?:the )?scope|not applicable)";
const TOTALS_SHAPES: ReadonlyArray<readonly [RegExp, "subtotal" | "vat" | "total"]> = [
  [new RegExp(`^total (?:(?:${VAT_TREATMENT}|standard rated|reduced rated|taxable|vatable|non vatable) )?supplies$`), "subtotal"],
  [/^(?:total )?net (?:charges?|fees?|costs?|services|supplies|sales)(?: total)?$/, "subtotal"],
  [/^(?:total|amount|balance|sum) (?:now )?(?:due|payable|owing|outstanding)(?: now)?$/, "total"],
];

/** Read on the label's own words: normalising would lose the colon that sets the reason apart. */
const VAT_EXPLAINED = new RegExp(
  `^(?:vat|tax)\\s*(?:[–—:]|\\s-)\\s*${VAT_TREATMENT.replace(/ /g, "[\\s-]")}\\b(?![a-z\\s-]*\\b(?:supplies|sales|goods|turnover|net|value|amount|total)\\b)[a-z\\s-]*$`,
);

function totalsFieldByShape(label: string, key: string): "subtotal" | "vat" | "total" | null {
  if (VAT_EXPLAINED.test(label.replace(/[\u00a0\s]+/g, " ").trim().toLowerCase())) return "vat";
  return TOTALS_SHAPES.find(([shape]) => shape.test(key))?.[1] ?? null;
}

/** The totals field a row label names (subtotal, VAT or total), if it is exactly one. */
export function totalsFieldOf(label: string): "subtotal" | "vat" | "total" | null {
  const key = normaliseTotalsLabel(label);
  const direct = TOTALS_KEYS.get(key) ?? totalsFieldByShape(label, key);
  if (direct !== null && direct !== undefined) return direct;
  const translated = otherLanguage(label);
  return translated === null ? null : (TOTALS_KEYS.get(normaliseTotalsLabel(translated)) ?? null);
}

/**
 * A bare "Net" (or "Net amount", "Total ex VAT") is the net subtotal and a bare "Gross" the total
 * due, but only where totals stand (a totals row under the lines, a net / VAT / gross ladder):
 * in the header "Net 30" is payment terms, and "Net" or "Gross" alone is also a column heading.
 */
const BARE_NET = /^(?:net|net\s+amount|net\s+value|goods|(?:total|amount)\s+(?:ex\.?|excl\.?|excluding|before)\s+vat)\s*:?$/i;
const BARE_GROSS = /^(?:gross|gross\s+amount|gross\s+value)\s*:?$/i;

/** The totals field a bare "Net" or "Gross" names where totals stand (see above). */
export function bareTotalsFieldOf(label: string): "subtotal" | "total" | null {
  if (BARE_NET.test(label.trim())) return "subtotal";
  return BARE_GROSS.test(label.trim()) ? "total" : null;
}

/** The unit a quantity or rate heading implies: `Nights` → night, `Weekly Rate` → week. */
export function unitFromHeading(heading: string): Unit | null {
  // "Hrs/Qty": a column of hours or of other quantities implies no one unit.
  const alternatives = heading.split(/\s*\/\s*/).filter((p) => p.trim() !== "");
  if (alternatives.length > 1) {
    const units = new Set(alternatives.map((part) => unitOfHeadingWords(part)));
    const [only] = [...units];
    return units.size === 1 && only !== undefined ? only : null;
  }
  return unitOfHeadingWords(heading);
}

/** The units a heading of alternatives names ("Weeks / Hrs" → week, hour); one or none otherwise. */
export function unitsOfHeading(heading: string): Unit[] {
  const units = heading.split(/\s*\/\s*/).map((part) => unitOfHeadingWords(part));
  return [...new Set(units.filter((unit): unit is Unit => unit !== null))];
}

function unitOfHeadingWords(heading: string): Unit | null {
  const key = normaliseLabel(heading);
  const rules: ReadonlyArray<readonly [RegExp, Unit]> = [
    [/\bnights?\b|\bnightly\b|\bper night\b/, "night"],
    [/\bweeks?\b|\bweekly\b|\bwks?\b|\bper week\b/, "week"],
    [/\bdays?\b|\bdaily\b/, "day"],
    [/\bhours?\b|\bhourly\b|\bhrs?\b/, "hour"],
    [/\bmiles?\b|\bmileage\b/, "mile"],
    [/\bsessions?\b/, "session"],
  ];
  for (const [pattern, unit] of rules) if (pattern.test(key)) return unit;
  return null;
}

/** A header label at the start of a text, with the value text after it. */
export interface LabelMatch {
  field: HeaderField;
  label: string;
  rest: string;
}

function labelPattern(label: string): RegExp {
  const words = label
    .split(/\s+/)
    .map((w) => w.replace(/\.$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/-/g, "[-\\s]?"));
  // "No" may be written "No." and "#" may stand alone; the label must end at a word edge.
  const body = words.join("[\\s.]*");
  return new RegExp(`^\\s*${body}\\.?(?=$|[\\s:#.\\-–—(])[\\s:#.\\-–—]*`, "i");
}

const HEADER_PATTERNS: ReadonlyArray<{ field: HeaderField; label: string; pattern: RegExp }> = (
  Object.entries(HEADER_LABELS) as [HeaderField, readonly string[]][]
)
  .flatMap(([field, labels]) => labels.map((label) => ({ field, label, pattern: labelPattern(label) })))
  // Longest first: "Invoice Date" before "Date", "VAT No" before "VAT", "Total Net" before "Total".
  .sort((a, b) => b.label.length - a.label.length);

/** The header label a text starts with (longest label wins), and what follows it. */
export function matchHeaderLabel(text: string, extra: ReadonlyArray<{ field: HeaderField; label: string }> = []): LabelMatch | null {
  const direct = matchOneLabel(text, extra);
  if (direct) {
    // "Invoice No / Rhif Anfoneb": the label's other language is not its value.
    return /^\/\s*[^\d/]*$/.test(direct.rest) ? { ...direct, rest: "" } : direct;
  }
  const translated = otherLanguage(text);
  if (translated !== null) return matchOneLabel(translated, extra);
  return partyLabel(text, extra);
}

/**
 * A label naming whose it is, as a buyer's system prints a supplier's facts ("Supplier invoice
 * no", "Provider VAT reg"): the supplier is the provider, so the label is the provider's own.
 * Only the facts a supplier has (its number, date and VAT number): a "Supplier total" is not a
 * total of this service's making, and "Customer ..." is the council's, never the provider's.
 */
const PARTY_PREFIX = /^\s*(?:supplier|provider|vendor|seller)(?:'s)?\s+(?=\S)/i;
const PARTY_FIELDS: ReadonlySet<HeaderField> = new Set<HeaderField>(["invoiceNumber", "invoiceDate", "vatNumber"]);

function partyLabel(text: string, extra: ReadonlyArray<{ field: HeaderField; label: string }>): LabelMatch | null {
  const party = PARTY_PREFIX.exec(text);
  if (!party) return null;
  const match = matchOneLabel(text.slice(party[0].length), extra);
  return match && PARTY_FIELDS.has(match.field) ? match : null;
}

/**
 * A label printed in two languages ("Rhif Anfoneb / Invoice No", "Dyddiad / Date", as Welsh
 * public bodies and their providers print them): the words after " / ", read as a label of
 * their own. Only a slash with spaces on both sides after words with no figures: "Hrs/Qty",
 * "b/f" and dates are not two languages.
 */
export function otherLanguage(text: string): string | null {
  const m = /^\s*([^\d/]*\p{L}[^\d/]*?)\s+\/\s+(\S.*)$/u.exec(text);
  return m?.[2] ?? null;
}

function matchOneLabel(text: string, extra: ReadonlyArray<{ field: HeaderField; label: string }>): LabelMatch | null {
  const candidates = extra.length
    ? [...extra.map((e) => ({ ...e, pattern: labelPattern(e.label) })), ...HEADER_PATTERNS]
    : HEADER_PATTERNS;
  for (const { field, label, pattern } of candidates) {
    const m = pattern.exec(text);
    if (m) return { field, label, rest: text.slice(m[0].length).trim() };
  }
  const period = NAMED_PERIOD.exec(text);
  return period ? { field: "period", label: cleanHeading(period[1] ?? ""), rest: text.slice(period[0].length).trim() } : null;
}

/**
 * The billing period named by what is billed: "Fostering period", "Placement period", "Charging
 * period". Only words for the care or the billing, so "Payment period 30 days" or "Notice period"
 * are never taken for it (and a value that is no period is not read as one anyway).
 */
const NAMED_PERIOD =
  /^\s*((?:fostering|care|placement|residential|support|service|charging|charge|billing|invoicing|invoiced|accounting|claim|statement|contract|tenancy|booking|stay)\s+period)(?=$|[\s:#.\-–—(])[\s:#.\-–—]*/i;

/** How strongly a label names its field: "Invoice Date" beats a bare "Date". Lower is better. */
export function labelRank(field: HeaderField, label: string): number {
  const list = HEADER_LABELS[field];
  const key = label.toLowerCase();
  const weaker = WEAKER_LABELS[field]?.[key];
  if (weaker !== undefined) return weaker;
  return list.some((l) => l.toLowerCase() === key) ? 0 : 5;
}

/**
 * Labels that name their field less surely than the plain ones: an invoice printing "Invoice No"
 * and "Our Ref" means the first as its number; "Invoice Date" beats "Tax Point" beats "Date".
 */
const WEAKER_LABELS: Partial<Record<HeaderField, Readonly<Record<string, number>>>> = {
  invoiceNumber: {
    "invoice ref": 1, "invoice reference": 1, "document no": 2, "document number": 2, "bill no": 2, "bill number": 2,
    "statement no": 2, "statement number": 2, "our ref": 3, "our reference": 3,
  },
  invoiceDate: { "date of issue": 1, "issue date": 1, "date issued": 1, "tax point": 2, "tax point date": 2, date: 10 },
};

/** Rows that carry a running total between pages are never lines. */
export function isCarryRow(text: string): boolean {
  const t = text.toLowerCase();
  return (
    /\b(?:carried|brought)\s+(?:forward|fwd|fw)\b/.test(t) ||
    /(?:^|\s|\()[cb]\s*\/\s*[fd](?:wd)?\b/.test(t) ||
    /^\s*\(?\s*(?:table\s+)?continued(?:\s+(?:overleaf|on|from|to|the|next|previous|page|below|over|\d+))*\s*\)?\s*[.…:]*$/.test(t) ||
    /\(continued\)\s*$/.test(t) ||
    /^\s*balance\s+(?:b\/f|brought|c\/f|carried)/.test(t)
  );
}
