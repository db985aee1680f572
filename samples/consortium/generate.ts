/**
 * Writes the consortium demo's files (samples/consortium/): three fictional councils sharing
 * three providers and one framework. Deterministic: every figure below is written out, nothing
 * is random, so EXPECTED.md can be worked by hand from the files this writes.
 *
 *   npx tsx samples/consortium/generate.ts
 *
 * Fees are whole pounds divisible by 7 so that invoices print exact nightly rates.
 */
import fs from "node:fs";
import path from "node:path";

const HERE = import.meta.dirname;

export const CONSORTIUM = { code: "NWC", name: "Northvale Children's Commissioning Consortium" };

interface Group {
  provider: "HAV" | "OAK" | "STE";
  level: string;
  contract: string;
  /** Agreed weekly fee per placement; null = the framework's rate card (no weekly_fee). */
  fees: (number | null)[];
  /** Nightly rates charged per placement, when not the agreed nightly fee: [index, Q2 rate, Q3 rate]. */
  charged?: readonly (readonly [number, number, number])[];
  /** Extra: 1:1 hours agreed per placement of this group (package rate; null = rate card). */
  oneToOne?: { rate: number | null; chargedRate: number };
}

interface Council {
  code: string;
  name: string;
  groups: Group[];
}

const CARD = { HAV_standard: 903, HAV_enhanced: 1148, OAK_standard: 4200, OAK_complex: 5600, STE_standard: 1400 } as const;

/** Oakfield's charges in July to September: 6% above what it charged before (the framework allows 2.5% a year). */
const oakDrift = (weekly: number): number => Math.round((weekly / 7) * 1.06);

export const COUNCILS: Council[] = [
  {
    code: "ALD",
    name: "Alderbrook Council",
    groups: [
      { provider: "HAV", level: "standard", contract: "FW-HAV", fees: [null, null, null, null, null, null, 910, 924] },
      { provider: "HAV", level: "enhanced", contract: "FW-HAV", fees: [null, null, null, null, 1162], oneToOne: { rate: null, chargedRate: 24 } },
      { provider: "OAK", level: "standard", contract: "FW-OAK", fees: [null, null, 4270, null, 4340] },
      { provider: "OAK", level: "complex", contract: "FW-OAK", fees: [null, null] },
      { provider: "STE", level: "standard", contract: "FW-STE", fees: [null, null, null, null] },
    ],
  },
  {
    code: "BRM",
    name: "Bramwick Council",
    groups: [
      // Two placements charged £133 a night against an agreed £131 (£917 a week).
      { provider: "HAV", level: "standard", contract: "FW-HAV", fees: [917, 917, 924, 910, 917, 931, 903], charged: [[0, 133, 133], [1, 133, 133]] },
      { provider: "HAV", level: "enhanced", contract: "FW-HAV", fees: [1169, 1162, 1176, 1169, 1155, 1183], oneToOne: { rate: 25.5, chargedRate: 26 } },
      { provider: "OAK", level: "standard", contract: "FW-OAK", fees: [4340, 4270, 4410, 4340, 4340] },
      { provider: "OAK", level: "complex", contract: "FW-OAK", fees: [5740] },
      { provider: "STE", level: "standard", contract: "FW-STE", fees: [1435, 1421, 1449, 1435, 1428], charged: [[2, 210, 210]] },
    ],
  },
  {
    code: "CRS",
    name: "Cressmoor Council",
    groups: [
      // One placement charged the framework's £129 a night in July to September against an agreed £128.
      { provider: "HAV", level: "standard", contract: "FW-HAV", fees: [896, 889, 903, 896, 882, 910], charged: [[0, 128, 129]] },
      { provider: "HAV", level: "enhanced", contract: "FW-HAV", fees: [1134, 1141, 1148], oneToOne: { rate: 24, chargedRate: 24 } },
      { provider: "OAK", level: "standard", contract: "FW-OAK", fees: [4130, 4200, 4165, 4235, 4130, 4200] },
      { provider: "OAK", level: "complex", contract: "FW-OAK", fees: [5530, 5600] },
      { provider: "STE", level: "standard", contract: "FW-STE", fees: [1365, 1372, 1379, 1386, 1400] },
    ],
  },
];

const PROVIDERS = [
  { id: "HAV", name: "Haven Fostering Ltd", kind: "ifa" },
  { id: "OAK", name: "Oakfield Children's Homes Ltd", kind: "residential" },
  { id: "STE", name: "Stepping Stones 16+ CIC", kind: "supported_16plus" },
] as const;

const MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"];

const csv = (rows: readonly (readonly (string | number)[])[]): string => rows.map((row) => row.join(",")).join("\n") + "\n";
const money = (value: number): string => value.toFixed(2);
const daysIn = (month: string): number => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
const uk = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

function write(relative: string, text: string): void {
  const file = path.join(HERE, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function framework(): void {
  write(
    "framework/contracts.csv",
    csv([
      ["contract_id", "provider_id", "title", "start_date", "end_date", "vat_exempt", "annual_uplift_pct"],
      ["FW-HAV", "HAV", "Northvale IFA Framework 2025-2029 (Haven)", "2025-04-01", "", "true", "3"],
      ["FW-OAK", "OAK", "Northvale Residential Framework 2025-2029 (Oakfield)", "2025-04-01", "", "true", "2.5"],
      ["FW-STE", "STE", "Northvale Supported Accommodation Framework 2025-2029 (Stepping Stones)", "2025-04-01", "", "true", "3"],
    ]),
  );
  write(
    "framework/rates.csv",
    csv([
      ["contract_id", "item", "service_level", "unit", "rate", "effective_from", "effective_to"],
      ["FW-HAV", "placement", "standard", "week", "876.70", "2025-04-01", "2026-03-31"],
      ["FW-HAV", "placement", "standard", "week", money(CARD.HAV_standard), "2026-04-01", ""],
      ["FW-HAV", "placement", "enhanced", "week", "1114.56", "2025-04-01", "2026-03-31"],
      ["FW-HAV", "placement", "enhanced", "week", money(CARD.HAV_enhanced), "2026-04-01", ""],
      ["FW-HAV", "one_to_one_hour", "", "hour", "24.00", "2025-04-01", ""],
      ["FW-OAK", "placement", "standard", "week", "4097.56", "2025-04-01", "2026-03-31"],
      ["FW-OAK", "placement", "standard", "week", money(CARD.OAK_standard), "2026-04-01", ""],
      ["FW-OAK", "placement", "complex", "week", money(CARD.OAK_complex), "2026-04-01", ""],
      ["FW-STE", "placement", "standard", "week", money(CARD.STE_standard), "2026-04-01", ""],
    ]),
  );
}

function council(c: Council): void {
  write(`${c.code}/reference/providers.csv`, csv([["provider_id", "name", "kind"], ...PROVIDERS.map((p) => [p.id, `"${p.name}"`, p.kind])]));
  const placements: (string | number)[][] = [["placement_id", "child_ref", "provider_id", "contract_id", "service_level", "start_date", "end_date", "weekly_fee", "po_number"]];
  const packages: (string | number)[][] = [["placement_id", "item", "unit", "rate", "max_per_week", "effective_from", "effective_to"]];
  /** Invoice lines by provider and month. */
  const lines = new Map<string, string[][]>();
  let n = 0;
  for (const group of c.groups) {
    group.fees.forEach((fee, index) => {
      n += 1;
      const id = `${c.code}-P${String(n).padStart(3, "0")}`;
      const child = `${c.code}-C${String(n).padStart(3, "0")}`;
      const po = `PO-${id}`;
      const agreed = fee ?? CARD[`${group.provider}_${group.level}` as keyof typeof CARD];
      placements.push([id, child, group.provider, group.contract, group.level, "2026-01-05", "", fee === null ? "" : money(fee), po]);
      if (group.oneToOne) packages.push([id, "one_to_one_hour", "hour", group.oneToOne.rate === null ? "" : money(group.oneToOne.rate), "10", "2026-01-05", ""]);
      const override = group.charged?.find(([at]) => at === index);
      for (const month of MONTHS) {
        const q3 = month >= "2026-07";
        let nightly = agreed / 7;
        if (override) nightly = q3 ? override[2] : override[1];
        if (group.provider === "OAK" && q3) nightly = oakDrift(agreed);
        const nights = daysIn(month);
        const from = `${month}-01`;
        const to = `${month}-${String(nights).padStart(2, "0")}`;
        const key = `${group.provider}|${month}`;
        const list = lines.get(key) ?? [];
        list.push([child, po, group.provider === "HAV" ? "Foster placement fee" : "Placement fee", uk(from), uk(to), String(nights), "night", money(nightly), money(nightly * nights)]);
        if (group.oneToOne) list.push([child, po, "1:1 support hours", uk(from), uk(to), "40", "hour", money(group.oneToOne.chargedRate), money(group.oneToOne.chargedRate * 40)]);
        lines.set(key, list);
      }
    });
  }
  write(`${c.code}/reference/placements.csv`, csv(placements));
  write(`${c.code}/reference/packages.csv`, csv(packages));
  for (const [key, list] of lines) {
    const [providerId = "", month = ""] = key.split("|");
    const provider = PROVIDERS.find((p) => p.id === providerId);
    if (!provider) continue;
    const invoiceNo = `${providerId}-${c.code}-${month.replace("-", "")}`;
    const last = `${month}-${String(daysIn(month)).padStart(2, "0")}`;
    const period = `${uk(`${month}-01`)} - ${uk(last)}`;
    const total = list.reduce((sum, line) => sum + Math.round(Number(line[8]) * 100), 0) / 100;
    const rows = [
      ["Provider", "Invoice No", "Invoice Date", "Period", "Child Ref", "PO Number", "Description", "From", "To", "Qty", "Unit", "Rate", "Amount"],
      ...list.map((line) => [`"${provider.name}"`, invoiceNo, uk(last), period, ...line]),
      ["", "", "", "", "", "", "Total Due", "", "", "", "", "", money(total)],
    ];
    write(`${c.code}/invoices/${month}-${providerId.toLowerCase()}-${invoiceNo}.csv`, rows.map((row) => row.join(";")).join("\n") + "\n");
  }
}

function main(): void {
  framework();
  for (const c of COUNCILS) council(c);
  write(
    "consortium.json",
    JSON.stringify({ ...CONSORTIUM, framework: "framework", councils: COUNCILS.map((c) => ({ code: c.code, name: c.name, reference: `${c.code}/reference`, invoices: `${c.code}/invoices` })) }, null, 2) + "\n",
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
