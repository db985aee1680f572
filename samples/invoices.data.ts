/**
 * The providers' invoices for August–October 2026, as data. render.ts prints each one in its
 * provider's layout (PDF, XLSX or CSV) and writes `<file>.expected.json` beside it from the same
 * description. Amounts here are exactly what is printed; the errors planted in them are listed in
 * expected-findings.json (worked out by hand) and explained in README.md.
 *
 * Conventions: dates ISO; money and quantities as decimal strings; `amount` signed as an invoice
 * prints it (discount lines negative). A credit note's amounts are given positive here; its layout
 * prints them with a minus sign. `from`/`to` null = the line prints no period of its own.
 */

export type Unit = "night" | "day" | "week" | "hour" | "mile" | "session" | "item";
export type Item = "placement" | "one_to_one_hour" | "education_day" | "transport_mile" | "therapy_session" | "discount" | "unknown";
export type LayoutId = "brightfield" | "oakleaf" | "hillcrest" | "cedar" | "riverside" | "stepping" | "nestwood" | "harbour";

export interface LineSpec {
  child: string | null;
  po: string | null;
  description: string;
  from: string | null;
  to: string | null;
  quantity: string | null;
  unit: Unit | null;
  rate: string | null;
  amount: string;
  /** The item AUDIT.md's keyword rules give this line (checked by check-expected.ts). */
  item: Item;
}

export interface InvoiceSpec {
  /** File name without extension; the extension comes from the layout. */
  file: string;
  layout: LayoutId;
  providerId: string;
  number: string;
  date: string;
  kind: "invoice" | "credit_note";
  creditsInvoice: string | null;
  periodFrom: string;
  periodTo: string;
  lines: LineSpec[];
  /** VAT as printed (null: the invoice prints no VAT row). */
  vat: string | null;
  /** Total as printed when it is not subtotal + VAT (a planted total-mismatch). */
  totalOverride?: string;
  /** Extra text the layout prints (a "COPY" stamp, a credit note's sentence). */
  remarks?: string[];
}

interface Ref {
  child?: string;
  po?: string;
}

function line(ref: Ref, description: string, from: string | null, to: string | null, quantity: string | null, unit: Unit | null, rate: string | null, amount: string, item: Item): LineSpec {
  return { child: ref.child ?? null, po: ref.po ?? null, description, from, to, quantity, unit, rate, amount, item };
}

/** A placement fee line. */
function fee(ref: Ref, description: string, from: string | null, to: string | null, quantity: string, unit: Unit, rate: string, amount: string): LineSpec {
  return line(ref, description, from, to, quantity, unit, rate, amount, "placement");
}

function discount(ref: Ref, description: string, amount: string): LineSpec {
  return line(ref, description, null, null, null, null, null, amount, "discount");
}

const AUG = ["2026-08-01", "2026-08-31"] as const;
const SEP = ["2026-09-01", "2026-09-30"] as const;
const OCT = ["2026-10-01", "2026-10-31"] as const;

// ---------------------------------------------------------------------------------------------
// Brightfield Foster Care (BRF, IFA; prints its alias; PDF by pdfkit, runs over two pages).
// Standard £903.00/week = £129.00/night; enhanced £1,036.00 = £148.00; C1006 £1,092.00 = £156.00.
const BF_STD = "Foster care fee – standard";
const BF_ENH = "Foster care fee – enhanced";
const BF_AGR = "Foster care fee – individually agreed";

const brightfield: InvoiceSpec[] = [
  {
    file: "2026-08-brightfield-BFC-10481", layout: "brightfield", providerId: "BRF", number: "BFC-10481", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ child: "C1001" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1002" }, BF_ENH, ...AUG, "31", "night", "148.00", "4688.00"), // planted: 31 × 148.00 = 4,588.00
      fee({ child: "C1003" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1004" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
      discount({ child: "C1004" }, "Sibling discount 10%", "-399.90"),
      fee({ child: "C1005" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1006" }, BF_AGR, ...AUG, "31", "night", "156.00", "4836.00"),
      line({ child: "C1006" }, "1:1 support hours", ...AUG, "40", "hour", "24.00", "960.00", "one_to_one_hour"),
      fee({ child: "C1007" }, BF_STD, "2026-08-24", "2026-08-31", "8", "night", "129.00", "1032.00"),
      fee({ child: "C1008" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1009" }, BF_STD, ...AUG, "31", "night", "129.00", "3999.00"),
    ],
  },
  {
    file: "2026-09-brightfield-BFC-10536", layout: "brightfield", providerId: "BRF", number: "BFC-10536", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: [
      fee({ child: "C1001" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"),
      fee({ child: "C1002" }, BF_ENH, ...SEP, "30", "night", "148.00", "4440.00"),
      fee({ child: "C1003" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"),
      fee({ child: "C1004" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"), // planted: no sibling discount line
      fee({ child: "C1005" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"),
      fee({ child: "C1006" }, BF_AGR, ...SEP, "30", "night", "156.00", "4680.00"),
      line({ child: "C1006" }, "1:1 support hours", ...SEP, "52", "hour", "26.00", "1352.00", "one_to_one_hour"), // planted: £26 and 52 h
      fee({ child: "C1007" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"),
      fee({ child: "C1008" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"), // planted: in hospital 8–27 Sep
      fee({ child: "C1009" }, BF_STD, ...SEP, "30", "night", "129.00", "3870.00"),
    ],
  },
  {
    file: "2026-10-brightfield-BFC-10602", layout: "brightfield", providerId: "BRF", number: "BFC-10602", date: "2026-10-31",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "0.00",
    lines: [
      fee({ child: "C1001" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1002" }, BF_ENH, ...OCT, "31", "night", "148.00", "4588.00"),
      fee({ child: "C1003" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1004" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"),
      discount({ child: "C1004" }, "Sibling discount 10%", "-399.90"),
      fee({ child: "C1005" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"), // planted: placement ended 20 Oct
      fee({ child: "C1006" }, BF_AGR, ...OCT, "31", "night", "156.00", "4836.00"),
      line({ child: "C1006" }, "1:1 support hours", ...OCT, "40", "hour", "24.00", "960.00", "one_to_one_hour"),
      fee({ child: "C1007" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"),
      line({ child: "C1007" }, "Mileage – contact visits", ...OCT, "120", "mile", "0.45", "54.00", "transport_mile"),
      fee({ child: "C1008" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"),
      fee({ child: "C1009" }, BF_STD, "2026-10-01", "2026-10-11", "11", "night", "129.00", "1419.00"),
      fee({ child: "C1009" }, "Foster care fee – retainer 80% (hospital)", "2026-10-12", "2026-10-14", "3", "night", "103.20", "309.60"),
      fee({ child: "C1009" }, BF_STD, "2026-10-15", "2026-10-31", "17", "night", "129.00", "2193.00"),
      fee({ child: "C1099" }, BF_STD, ...OCT, "31", "night", "129.00", "3999.00"), // planted: no such child placed with BRF
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Oakleaf Family Placements CIC (OAK, IFA, not VAT registered; semicolon CSV, no VAT row).
// Standard £868.00/week = £124.00/night; C2003's specialist carer £945.00 = £135.00; C2006 £1,050.00 = £150.00.
const OAK_FEE = "Foster placement fee";
const OAK_SPEC = "Foster placement fee – specialist carer";
const OAK_SOLO = "Foster placement fee – solo placement";

const oakleaf: InvoiceSpec[] = [
  {
    file: "2026-08-oakleaf-OFP-0815", layout: "oakleaf", providerId: "OAK", number: "OFP-0815", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: null,
    lines: [
      fee({ child: "C2001", po: "PO-420301" }, OAK_FEE, ...AUG, "31", "night", "124.00", "3844.00"),
      discount({ child: "C2001" }, "Long stay discount 5%", "-192.20"),
      fee({ child: "C2002", po: "PO-420302" }, OAK_FEE, ...AUG, "31", "night", "124.00", "3844.00"),
      fee({ child: "C2003", po: "PO-420303" }, OAK_FEE, ...AUG, "31", "night", "124.00", "3844.00"),
      fee({ child: "C2005", po: "PO-420305" }, OAK_FEE, ...AUG, "31", "night", "124.00", "3844.00"),
    ],
  },
  {
    file: "2026-09-oakleaf-OFP-0842", layout: "oakleaf", providerId: "OAK", number: "OFP-0842", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: null,
    lines: [
      fee({ child: "C2001", po: "PO-420301" }, OAK_FEE, ...SEP, "30", "night", "124.00", "3720.00"),
      discount({ child: "C2001" }, "Long stay discount 5%", "-186.00"),
      fee({ child: "C2002", po: "PO-420302" }, OAK_FEE, ...SEP, "30", "night", "124.00", "3720.00"),
      fee({ child: "C2003", po: "PO-420303" }, OAK_FEE, "2026-09-01", "2026-09-13", "13", "night", "124.00", "1612.00"),
      fee({ child: "C2003", po: "PO-420304" }, OAK_SPEC, "2026-09-14", "2026-09-30", "17", "night", "135.00", "2295.00"),
      fee({ child: "C2005", po: "PO-420305" }, OAK_FEE, ...SEP, "30", "night", "124.00", "3720.00"),
      fee({ child: "C2006", po: "PO-420306" }, OAK_SOLO, "2026-09-21", "2026-09-30", "10", "night", "150.00", "1500.00"), // planted: no fee agreed before 1 Oct
    ],
  },
  {
    file: "2026-10-oakleaf-OFP-0871", layout: "oakleaf", providerId: "OAK", number: "OFP-0871", date: "2026-10-31",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: null,
    lines: [
      fee({ child: "C2001", po: "PO-420301" }, OAK_FEE, ...OCT, "31", "night", "124.00", "3844.00"),
      discount({ child: "C2001" }, "Long stay discount 5%", "-192.20"),
      fee({ child: "C2002", po: "PO-420302" }, OAK_FEE, ...OCT, "31", "night", "124.00", "3844.00"),
      fee({ child: "C2002", po: "PO-420302" }, "Foster placement fee – September adjustment", "2026-09-28", "2026-09-30", "3", "night", "124.00", "372.00"), // planted: billed on OFP-0842
      fee({ child: "C2003", po: "PO-420304" }, OAK_SPEC, ...OCT, "31", "night", "135.00", "4185.00"),
      fee({ child: "C2005", po: "PO-420305" }, OAK_FEE, ...OCT, "31", "night", "124.00", "3844.00"),
      fee({ child: "C2006", po: "PO-420306" }, OAK_SOLO, ...OCT, "31", "night", "150.00", "4650.00"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Hillcrest Children's Homes Ltd (HIL, residential; PDF by pdfkit; lines carry PO numbers only).
// Standard £5,460.00/week = £780.00/night; complex £6,720.00 = £960.00; C3003 £7,140.00 = £1,020.00
// (£7,350.00 = £1,050.00 from 1 Nov 2026); C3005 £7,000.00 = £1,000.00. Volume rebate 4% (5 children).
const HC_STD = "Residential care – standard";
const HC_CPX = "Residential care – complex needs";
const HC_AGR = "Residential care – individually agreed fee";
const HC_EDU = "Education – on-site school days";
const HC_THER = "Therapy session (weekly)";

const hillcrest: InvoiceSpec[] = [
  {
    file: "2026-08-hillcrest-HCH-26-0812", layout: "hillcrest", providerId: "HIL", number: "HCH/26/0812", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ po: "PO-430401" }, HC_STD, ...AUG, "31", "night", "780.00", "24180.00"),
      fee({ po: "PO-430402" }, HC_CPX, ...AUG, "31", "night", "960.00", "29760.00"),
      fee({ po: "PO-430403" }, HC_AGR, ...AUG, "31", "night", "1020.00", "31620.00"),
      fee({ po: "PO-430404" }, HC_STD, ...AUG, "31", "night", "780.00", "24180.00"),
      fee({ po: "PO-430405" }, HC_AGR, ...AUG, "31", "night", "1000.00", "31000.00"),
      line({ po: "PO-430402" }, HC_THER, ...AUG, "4", "session", "95.00", "380.00", "therapy_session"),
      discount({}, "Volume rebate 4% (5 or more children placed)", "-5629.60"),
    ],
  },
  {
    file: "2026-09-hillcrest-HCH-26-0907", layout: "hillcrest", providerId: "HIL", number: "HCH/26/0907", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: [
      fee({ po: "PO-430401" }, HC_STD, ...SEP, "30", "night", "780.00", "23400.00"),
      fee({ po: "PO-430402" }, HC_CPX, ...SEP, "30", "night", "960.00", "28800.00"),
      fee({ po: "PO-430403" }, HC_AGR, ...SEP, "30", "night", "1020.00", "30600.00"),
      fee({ po: "PO-430404" }, HC_STD, ...SEP, "30", "night", "780.00", "23400.00"),
      fee({ po: "PO-430405" }, HC_AGR, ...SEP, "30", "night", "1000.00", "30000.00"),
      line({ po: "PO-430401" }, HC_EDU, ...SEP, "20", "day", "175.00", "3500.00", "education_day"),
      line({ po: "PO-430402" }, HC_THER, ...SEP, "4", "session", "95.00", "380.00", "therapy_session"),
      discount({}, "Volume rebate 2% (3 or more children placed)", "-2724.00"), // planted: the 4% tier applies
    ],
  },
  {
    file: "2026-10-hillcrest-HCH-26-1004", layout: "hillcrest", providerId: "HIL", number: "HCH/26/1004", date: "2026-10-31",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "0.00",
    lines: [
      fee({ po: "PO-430401" }, HC_STD, ...OCT, "31", "night", "780.00", "24180.00"),
      fee({ po: "PO-430402" }, HC_CPX, ...OCT, "31", "night", "960.00", "29760.00"),
      fee({ po: "PO-430403" }, HC_AGR, ...OCT, "31", "night", "1050.00", "32550.00"), // planted: November fee early
      fee({ po: "PO-430404" }, HC_STD, ...OCT, "31", "night", "780.00", "24180.00"),
      fee({ po: "PO-430405" }, HC_AGR, ...OCT, "31", "night", "1000.00", "31000.00"),
      line({ po: "PO-430401" }, HC_EDU, ...OCT, "17", "day", "175.00", "2975.00", "education_day"),
      line({ po: "PO-430402" }, HC_THER, ...OCT, "4", "session", "95.00", "380.00", "therapy_session"),
      line({ po: "PO-430404" }, "Clothing allowance", ...OCT, "1", "item", "150.00", "150.00", "unknown"), // planted: nothing agreed
      discount({}, "Volume rebate 4% (5 or more children placed)", "-5666.80"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Cedar House Care Ltd (CED, residential; PDF by pdf-lib). Rate card uplift on 1 Oct 2026:
// standard £4,760.00 = £680.00/night → £4,935.00 = £705.00; complex £6,160.00 = £880.00 →
// £6,370.00 = £910.00; C4002 agreed £6,300.00 = £900.00.
const CH_STD = "Residential care – standard";
const CH_CPX = "Residential care – complex";
const CH_AGR = "Residential care – agreed weekly fee";
const CED_2291_LINES: LineSpec[] = [
  fee({ child: "C4001" }, CH_STD, ...SEP, "30", "night", "705.00", "21150.00"), // planted: October rate in September
  fee({ child: "C4002" }, CH_AGR, ...SEP, "30", "night", "900.00", "27000.00"),
  fee({ child: "C4003" }, CH_CPX, ...SEP, "30", "night", "910.00", "27300.00"), // planted: October rate in September
  fee({ child: "C4004" }, CH_STD, "2026-09-07", "2026-09-30", "24", "night", "705.00", "16920.00"), // planted: October rate
];

const cedar: InvoiceSpec[] = [
  {
    file: "2026-08-cedar-house-CED-2248", layout: "cedar", providerId: "CED", number: "CED-2248", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ child: "C4001" }, CH_STD, ...AUG, "31", "night", "680.00", "21080.00"),
      fee({ child: "C4002" }, CH_AGR, ...AUG, "31", "night", "900.00", "27900.00"),
      fee({ child: "C4003" }, CH_CPX, ...AUG, "31", "night", "880.00", "27280.00"),
    ],
  },
  {
    file: "2026-09-cedar-house-CED-2291", layout: "cedar", providerId: "CED", number: "CED-2291", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: CED_2291_LINES,
  },
  {
    file: "2026-10-cedar-house-CN-0042", layout: "cedar", providerId: "CED", number: "CN-0042", date: "2026-10-06",
    kind: "credit_note", creditsInvoice: "CED-2291", periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: CED_2291_LINES.map((l) => ({ ...l })),
    remarks: ["This credit note is against invoice CED-2291 in full: the October uplift was charged for September in error."],
  },
  {
    file: "2026-10-cedar-house-CED-2304", layout: "cedar", providerId: "CED", number: "CED-2304", date: "2026-10-06",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: [
      fee({ child: "C4001" }, CH_STD, ...SEP, "30", "night", "680.00", "20400.00"),
      fee({ child: "C4002" }, CH_AGR, ...SEP, "30", "night", "900.00", "27000.00"),
      fee({ child: "C4003" }, CH_CPX, ...SEP, "30", "night", "880.00", "26400.00"),
      fee({ child: "C4004" }, CH_STD, "2026-09-07", "2026-09-30", "24", "night", "680.00", "16320.00"),
    ],
  },
  {
    file: "2026-10-cedar-house-CED-2337", layout: "cedar", providerId: "CED", number: "CED-2337", date: "2026-10-31",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "0.00",
    lines: [
      fee({ child: "C4001" }, CH_STD, ...OCT, "31", "night", "705.00", "21855.00"),
      fee({ child: "C4002" }, CH_AGR, ...OCT, "31", "night", "900.00", "27900.00"),
      fee({ child: "C4003" }, CH_CPX, ...OCT, "31", "night", "910.00", "28210.00"),
      fee({ child: "C4004" }, CH_STD, ...OCT, "31", "night", "705.00", "21855.00"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Riverside Supported Living Ltd (RIV, 16+; XLSX; the contract is NOT VAT exempt: 20% VAT due
// on the net after the 2% framework rebate). Standard £1,050.00/week = £150.00/night; enhanced
// £1,470.00 = £210.00; high £2,100.00 = £300.00; C5006 £1,750.00 = £250.00; 1:1 £22.00/hour.
const RV_STD = "Supported accommodation – standard";
const RV_ENH = "Supported accommodation – enhanced";
const RV_HIGH = "Supported accommodation – high needs";
const RV_AGR = "Supported accommodation – agreed weekly fee";
const RV_1to1 = "1:1 support hours";
const RV_REBATE = "Framework rebate 2%";

const riverside: InvoiceSpec[] = [
  {
    file: "2026-08-riverside-RSL-3307", layout: "riverside", providerId: "RIV", number: "RSL-3307", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "6025.76",
    lines: [
      fee({ child: "C5001", po: "PO-450601" }, RV_STD, ...AUG, "31", "night", "150.00", "4650.00"),
      fee({ child: "C5002", po: "PO-450602" }, RV_ENH, ...AUG, "31", "night", "210.00", "6510.00"),
      line({ child: "C5002", po: "PO-450602" }, RV_1to1, ...AUG, "26", "hour", "22.00", "572.00", "one_to_one_hour"),
      fee({ child: "C5003", po: "PO-450603" }, RV_STD, ...AUG, "31", "night", "150.00", "4650.00"),
      fee({ child: "C5004", po: "PO-450604" }, RV_HIGH, "2026-08-10", "2026-08-31", "22", "night", "300.00", "6600.00"),
      fee({ child: "C5006", po: "PO-450606" }, RV_AGR, ...AUG, "31", "night", "250.00", "7750.00"),
      discount({}, RV_REBATE, "-603.20"),
    ],
  },
  {
    file: "2026-09-riverside-RSL-3342", layout: "riverside", providerId: "RIV", number: "RSL-3342", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "6100.80",
    lines: [
      fee({ child: "C5001", po: "PO-450601" }, RV_STD, ...SEP, "30", "night", "150.00", "4500.00"),
      line({ child: "C5001", po: "PO-450601" }, "Counselling sessions", ...SEP, "4", "session", "65.00", "260.00", "therapy_session"), // planted: not agreed
      fee({ child: "C5002", po: "PO-450602" }, RV_ENH, ...SEP, "30", "night", "210.00", "6300.00"),
      line({ child: "C5002", po: "PO-450602" }, RV_1to1, ...SEP, "25", "hour", "22.00", "550.00", "one_to_one_hour"),
      fee({ child: "C5003", po: "PO-450603" }, RV_STD, "2026-09-01", "2026-09-17", "17", "night", "150.00", "2550.00"),
      fee({ child: "C5004", po: "PO-450604" }, RV_HIGH, ...SEP, "30", "night", "300.00", "9000.00"),
      fee({ child: "C5005", po: "PO-450605" }, RV_STD, "2026-09-28", "2026-09-30", "3", "night", "150.00", "450.00"),
      fee({ child: "C5006", po: "PO-450606" }, RV_AGR, ...SEP, "30", "night", "250.00", "7500.00"),
      discount({}, RV_REBATE, "-606.00"),
    ],
  },
  {
    file: "2026-10-riverside-RSL-3378", layout: "riverside", providerId: "RIV", number: "RSL-3378", date: "2026-10-31",
    // planted: VAT worked out on £33,432.00, before the rebate (due: 20% of £32,774.80 = £6,554.96)
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "6686.40",
    lines: [
      fee({ child: "C5001", po: "PO-450601" }, RV_STD, ...OCT, "31", "night", "150.00", "4650.00"),
      fee({ child: "C5002", po: "PO-450602" }, RV_ENH, ...OCT, "31", "night", "210.00", "6510.00"),
      line({ child: "C5002", po: "PO-450602" }, RV_1to1, ...OCT, "26", "hour", "22.00", "572.00", "one_to_one_hour"),
      fee({ child: "C5004", po: "PO-450604" }, RV_HIGH, ...OCT, "31", "night", "300.00", "9300.00"),
      fee({ child: "C5005", po: "PO-450605" }, RV_STD, ...OCT, "31", "night", "150.00", "4650.00"),
      fee({ child: "C5006", po: "PO-450606" }, RV_AGR, ...OCT, "31", "night", "250.00", "7750.00"),
      discount({}, RV_REBATE, "-657.20"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Stepping Stones Futures Ltd (STP, 16+; CSV with a UTF-8 BOM; bills in weeks, fractional
// quantities with the nights' period on each line). Core £735.00/week; enhanced £1,085.00;
// C6003 £1,120.00. The rounding of 4.43 or 4.29 weeks stays under the £5.00 threshold.
const SS_CORE = "Supported accommodation – core";
const SS_ENH = "Supported accommodation – enhanced";
const SS_AGR = "Supported accommodation – agreed weekly fee";
const SS_MILES = "Travel to school – mileage";

const stepping: InvoiceSpec[] = [
  {
    file: "2026-08-stepping-stones-SSF-1108", layout: "stepping", providerId: "STP", number: "SSF-1108", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ child: "C6001", po: "PO-460701" }, SS_CORE, ...AUG, "4.43", "week", "735.00", "3256.05"),
      fee({ child: "C6002", po: "PO-460702" }, SS_ENH, ...AUG, "4.43", "week", "1085.00", "4806.55"),
      fee({ child: "C6003", po: "PO-460703" }, SS_AGR, ...AUG, "4.43", "week", "1120.00", "4961.60"),
      fee({ child: "C6004", po: "PO-460704" }, SS_CORE, "2026-08-04", "2026-08-31", "4.00", "week", "735.00", "2940.00"),
    ],
  },
  {
    file: "2026-09-stepping-stones-SSF-1131", layout: "stepping", providerId: "STP", number: "SSF-1131", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: [
      fee({ child: "C6001", po: "PO-460701" }, SS_CORE, ...SEP, "4.29", "week", "735.00", "3153.15"),
      fee({ child: "C6002", po: "PO-460702" }, SS_ENH, ...SEP, "4.29", "week", "1085.00", "4654.65"),
      line({ child: "C6002", po: "PO-460702" }, SS_MILES, ...SEP, "210", "mile", "0.45", "94.50", "transport_mile"),
      fee({ child: "C6003", po: "PO-460703" }, SS_AGR, ...SEP, "4.29", "week", "1120.00", "4804.80"),
      fee({ child: "C6004", po: "PO-460704" }, SS_CORE, ...SEP, "4.29", "week", "735.00", "3153.15"),
    ],
  },
  {
    file: "2026-10-stepping-stones-SSF-1154", layout: "stepping", providerId: "STP", number: "SSF-1154", date: "2026-10-31",
    // planted: VAT added although the contract is VAT exempt
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "3844.17",
    lines: [
      fee({ child: "C6001", po: "PO-460701" }, SS_CORE, ...OCT, "4.43", "week", "735.00", "3256.05"),
      fee({ child: "C6002", po: "PO-460702" }, SS_ENH, ...OCT, "4.43", "week", "1085.00", "4806.55"),
      line({ child: "C6002", po: "PO-460702" }, SS_MILES, ...OCT, "230", "mile", "0.45", "103.50", "transport_mile"),
      fee({ child: "C6003", po: "PO-460703" }, SS_AGR, ...OCT, "4.43", "week", "1120.00", "4961.60"),
      fee({ child: "C6004", po: "PO-460704" }, SS_CORE, ...OCT, "4.43", "week", "735.00", "3256.05"),
      fee({ child: "C6005", po: "PO-460705" }, SS_CORE, "2026-10-05", "2026-10-31", "3.86", "week", "735.00", "2837.10"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Nestwood Parent and Child Centre Ltd (NES, parent and child; PDF by pdf-lib). Lines print
// the placement id and no period of their own: each takes the invoice's billing period, and a
// short quantity bills the placed nights (AUDIT.md "Nights billed"). £2,800.00/week = £400.00/night;
// community £1,750.00 = £250.00.
const NW_RES = "Residential parent and child assessment";
const NW_COM = "Community parent and child placement";
const NPC_0119_LINES: LineSpec[] = [
  fee({ po: "PL-8001" }, NW_RES, null, null, "24", "night", "400.00", "9600.00"),
  fee({ po: "PL-8002" }, NW_RES, null, null, "30", "night", "400.00", "12000.00"),
];

const nestwood: InvoiceSpec[] = [
  {
    file: "2026-08-nestwood-NPC-0107", layout: "nestwood", providerId: "NES", number: "NPC-0107", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ po: "PL-8001" }, NW_RES, null, null, "31", "night", "400.00", "12400.00"),
      fee({ po: "PL-8002" }, NW_RES, null, null, "15", "night", "400.00", "6000.00"),
    ],
  },
  {
    file: "2026-09-nestwood-NPC-0119", layout: "nestwood", providerId: "NES", number: "NPC-0119", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: NPC_0119_LINES,
  },
  {
    // planted: the September invoice sent again, re-dated (duplicate-invoice)
    file: "2026-10-nestwood-NPC-0119-copy", layout: "nestwood", providerId: "NES", number: "NPC-0119", date: "2026-10-12",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: NPC_0119_LINES.map((l) => ({ ...l })),
    remarks: ["COPY INVOICE – payment reminder"],
  },
  {
    file: "2026-10-nestwood-NPC-0131", layout: "nestwood", providerId: "NES", number: "NPC-0131", date: "2026-10-31",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "0.00",
    lines: [
      fee({ po: "PL-8002" }, NW_RES, null, null, "31", "night", "420.00", "13020.00"), // planted: £420.00 a night, agreed £400.00
      fee({ po: "PL-8003" }, NW_COM, null, null, "20", "night", "250.00", "5000.00"),
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Harbour Short Breaks CIC (HAR, other; PDF by pdfkit; a "Nights" column and no unit column).
// Emergency £3,150.00/week = £450.00/night; short break £2,450.00 = £350.00.
const HB_EMERG = "Emergency placement";
const HB_BREAK = "Short break stay (overnight care)";

const harbour: InvoiceSpec[] = [
  {
    file: "2026-08-harbour-HSB-0031", layout: "harbour", providerId: "HAR", number: "HSB-0031", date: "2026-08-31",
    kind: "invoice", creditsInvoice: null, periodFrom: AUG[0], periodTo: AUG[1], vat: "0.00",
    lines: [
      fee({ child: "C8001" }, HB_EMERG, "2026-08-03", "2026-08-20", "18", "night", "450.00", "8100.00"),
      fee({ child: "C8004" }, HB_BREAK, "2026-08-14", "2026-08-15", "2", "night", "350.00", "700.00"),
    ],
  },
  {
    file: "2026-09-harbour-HSB-0038", layout: "harbour", providerId: "HAR", number: "HSB-0038", date: "2026-09-30",
    kind: "invoice", creditsInvoice: null, periodFrom: SEP[0], periodTo: SEP[1], vat: "0.00",
    lines: [
      fee({ child: "C8002" }, HB_BREAK, "2026-09-11", "2026-09-13", "4", "night", "350.00", "1400.00"), // planted: 4 nights in a 3-night period
      fee({ child: "C8004" }, HB_BREAK, "2026-09-18", "2026-09-19", "2", "night", "350.00", "700.00"),
    ],
  },
  {
    file: "2026-10-harbour-HSB-0044", layout: "harbour", providerId: "HAR", number: "HSB-0044", date: "2026-10-30",
    kind: "invoice", creditsInvoice: null, periodFrom: OCT[0], periodTo: OCT[1], vat: "0.00",
    totalOverride: "14250.00", // planted: lines £14,200.00 + VAT £0.00
    lines: [
      fee({ child: "C8003" }, HB_EMERG, "2026-10-02", "2026-10-31", "30", "night", "450.00", "13500.00"),
      fee({ child: "C8004" }, HB_BREAK, "2026-10-16", "2026-10-17", "2", "night", "350.00", "700.00"),
    ],
  },
];

export const invoices: readonly InvoiceSpec[] = [...brightfield, ...oakleaf, ...hillcrest, ...cedar, ...riverside, ...stepping, ...nestwood, ...harbour];
