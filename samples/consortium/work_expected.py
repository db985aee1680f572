#!/usr/bin/env python3
"""Works the consortium benchmark out from the sample files alone (no database, no engine code).

An independent second computation of samples/consortium/EXPECTED.md: it reads the CSV files
that generate.ts wrote and applies the rules of README "Consortium benchmarking" with Python's
decimal module. It writes EXPECTED.json (what tests compare with) and the tables of EXPECTED.md.

    python3 samples/consortium/work_expected.py
"""
import csv, json, os
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = json.load(open(os.path.join(HERE, "consortium.json")))
QUARTERS = {"2026-Q2": ("2026-04-01", "2026-06-30"), "2026-Q3": ("2026-07-01", "2026-09-30")}
BENCHMARK = "2026-Q3"
PENNY = Decimal("0.01")

def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def iso(uk):
    d, m, y = uk.split("/")
    return f"{y}-{m}-{d}"

def median(values):
    v = sorted(values)
    n = len(v)
    mid = v[(n - 1) // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return mid.quantize(PENNY, ROUND_HALF_UP)

def pct(part, whole):
    return (part / whole * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

fw_contracts = {r["contract_id"]: r for r in rows(os.path.join(HERE, "framework", "contracts.csv"))}
fw_rates = rows(os.path.join(HERE, "framework", "rates.csv"))

def card(contract, item, level, day):
    live = [r for r in fw_rates if r["contract_id"] == contract and r["item"] == item and r["service_level"] == level and r["effective_from"] <= day]
    if not live: return None
    r = max(live, key=lambda r: r["effective_from"])
    return Decimal(r["rate"]) if not r["effective_to"] or r["effective_to"] >= day else None

def values_for(council, quarter):
    """(group, measure) -> list of per-placement values, for one council and quarter."""
    start, end = QUARTERS[quarter]
    ref = os.path.join(HERE, council["reference"])
    placements = rows(os.path.join(ref, "placements.csv"))
    packages = {r["placement_id"]: r for r in rows(os.path.join(ref, "packages.csv"))}
    by_child = {p["child_ref"]: p for p in placements}
    out = {}
    # Every sample placement starts 2026-01-05 and is ongoing: placed in both quarters, d = the quarter's last day.
    for p in placements:
        level = p["service_level"]
        fee = Decimal(p["weekly_fee"]) if p["weekly_fee"] else card(p["contract_id"], "placement", level, end)
        out.setdefault(((p["provider_id"], "placement", level, "week"), "paid"), []).append(fee)
        if p["placement_id"] in packages:
            pk = packages[p["placement_id"]]
            rate = Decimal(pk["rate"]) if pk["rate"] else card(p["contract_id"], pk["item"], "", end)
            out.setdefault(((p["provider_id"], pk["item"], "", pk["unit"]), "paid"), []).append(rate)
    latest = {}
    inv_dir = os.path.join(HERE, council["invoices"])
    for name in sorted(os.listdir(inv_dir)):
        with open(os.path.join(inv_dir, name), newline="", encoding="utf-8") as f:
            for line in csv.DictReader(f, delimiter=";"):
                if not line["Child Ref"]: continue
                frm = iso(line["From"])
                if not (start <= frm <= end): continue
                p = by_child[line["Child Ref"]]
                extra = "1:1" in line["Description"]
                item = "one_to_one_hour" if extra else "placement"
                key = (p["placement_id"], item)
                if key not in latest or frm >= latest[key][0]:
                    rate = Decimal(line["Rate"])
                    if extra: group = (p["provider_id"], item, "", line["Unit"]); value = rate
                    else: group = (p["provider_id"], item, p["service_level"], "week"); value = rate * 7
                    latest[key] = (frm, group, value)
    for _, group, value in latest.values():
        out.setdefault((group, "charged"), []).append(value)
    return out

def figures(quarter):
    per_council = {c["code"]: values_for(c, quarter) for c in MANIFEST["councils"]}
    keys = sorted({k for v in per_council.values() for k in v})
    result = {}
    for group, measure in keys:
        members, pooled, shown = {}, [], []
        for code, table in per_council.items():
            vals = table.get((group, measure))
            if vals is None: continue
            if len(vals) < 5:
                members[code] = {"suppressed": True, "median": None, "values": None}
            else:
                m = median(vals)
                members[code] = {"suppressed": False, "median": m, "values": sorted(vals)}
                pooled += vals; shown.append(m)
        whole = median(pooled) if pooled else None
        for code, f in members.items():
            if f["median"] is not None and whole is not None:
                f["difference"] = f["median"] - whole; f["differencePct"] = pct(f["median"] - whole, whole)
        result.setdefault(group, {})[measure] = {
            "placements": len(pooled) or None, "median": whole,
            "low": min(shown) if shown else None, "high": max(shown) if shown else None, "members": members,
        }
    return result

def money(x): return None if x is None else f"{x:.2f}"

bench = figures(BENCHMARK)
prev = figures("2026-Q2")
expected = []
for group in sorted(bench):
    provider, item, level, unit = group
    contract = next(c for c in fw_contracts.values() if c["provider_id"] == provider)
    fw = card(contract["contract_id"], item, level, QUARTERS[BENCHMARK][1])
    entry = {"provider": provider, "item": item, "service_level": level, "unit": unit,
             "framework_rate": money(fw), "annual_uplift_pct": contract["annual_uplift_pct"]}
    for measure in ("paid", "charged"):
        f = bench[group][measure]
        entry[measure] = {"placements": f["placements"], "median": money(f["median"]), "low": money(f["low"]), "high": money(f["high"]),
                          "members": {code: {"median": money(m["median"]), "difference": money(m.get("difference")),
                                             "difference_pct": None if m.get("differencePct") is None else str(m["differencePct"])}
                                      for code, m in sorted(f["members"].items())}}
    charged = bench[group]["charged"]["median"]
    entry["charged_over_framework"] = money(charged - fw) if charged is not None and fw is not None else None
    entry["charged_over_framework_pct"] = str(pct(charged - fw, fw)) if charged is not None and fw is not None else None
    q2 = prev.get(group, {}).get("charged", {}).get("median")
    entry["drift"] = {"2026-Q2": money(q2), "2026-Q3": money(charged)}
    change = pct(charged - q2, q2) if q2 is not None and charged is not None else None
    entry["drift_change_pct"] = None if change is None else str(change)
    entry["drift_above_uplift"] = change is not None and change > Decimal(contract["annual_uplift_pct"])
    entry["_working"] = {measure: {code: [str(v) for v in m["values"]] if m["values"] else "fewer than 5 placements"
                                   for code, m in sorted(bench[group][measure]["members"].items())} for measure in ("paid", "charged")}
    expected.append(entry)

with open(os.path.join(HERE, "EXPECTED.json"), "w") as f:
    json.dump({"quarter": BENCHMARK, "groups": [{k: v for k, v in e.items() if k != "_working"} for e in expected]}, f, indent=2)
    f.write("\n")

names = {c["code"]: c["name"] for c in MANIFEST["councils"]}
def cell(x, suffix=""): return "fewer than 5 placements" if x is None else f"{x}{suffix}"
lines = []
for e in expected:
    title = f"{e['provider']} {e['item']}{' ' + e['service_level'] if e['service_level'] else ''} (per {e['unit']})"
    lines.append(f"### {title}\n")
    lines.append(f"Framework rate £{e['framework_rate']}, annual uplift {e['annual_uplift_pct']}%.\n")
    lines.append("| measure | member | values (sorted) | member median | vs consortium median |")
    lines.append("|---|---|---|---:|---:|")
    for measure in ("paid", "charged"):
        f = e[measure]
        for code, m in f["members"].items():
            vals = e["_working"][measure][code]
            shown = vals if isinstance(vals, str) else ", ".join(vals)
            vs = "" if m["difference"] is None else f"{m['difference']} ({m['difference_pct']}%)"
            lines.append(f"| {measure} | {names[code]} | {shown} | {cell(m['median'])} | {vs} |")
        lines.append(f"| {measure} | **consortium** ({f['placements'] or 0} placements shown) | spread {cell(f['low'])} – {cell(f['high'])} | **{cell(f['median'])}** | |")
    lines.append("")
    lines.append(f"Charged median against the framework rate: {cell(e['charged_over_framework'])} ({cell(e['charged_over_framework_pct'], '%')}). "
                 f"Drift of the charged median: Apr to Jun 2026 {cell(e['drift']['2026-Q2'])}, Jul to Sep 2026 {cell(e['drift']['2026-Q3'])}, "
                 f"change {cell(e['drift_change_pct'], '%')}{' — above the uplift' if e['drift_above_uplift'] else ''}.\n")
HEADER = """# Consortium benchmark: expected figures (Jul to Sep 2026)

Worked from the sample files alone, not from the engine: `work_expected.py` reads the CSV files
that `generate.ts` wrote and applies the rules below with Python's `decimal` module; the test
`tests/integration/consortium-benchmark.test.ts` asserts the page's and the workbook's figures
equal `EXPECTED.json`, which this same script writes. One group worked by hand, to check the script:

**Oakfield, placement, standard, paid (weekly fee agreed on 30 Sep 2026).** Alderbrook pays the
framework's £4,200.00 on three placements (no weekly fee: the framework rate card) and agreed
£4,270.00 and £4,340.00 on two: sorted 4200, 4200, 4200, 4270, 4340, median the 3rd = **£4,200.00**.
Bramwick 4270, 4340, 4340, 4340, 4410: **£4,340.00**. Cressmoor (six) 4130, 4130, 4165, 4200,
4200, 4235: the mean of the 3rd and 4th, (4165 + 4200) / 2 = **£4,182.50**. All three have at least
5 placements, so the consortium median is over all 16: sorted, the 8th and 9th are 4200 and 4235,
median **£4,217.50**; spread £4,182.50 – £4,340.00 (lowest to highest member median). Bramwick
against it: 4340 − 4217.50 = **£122.50**, 122.50 / 4217.50 = 2.90% → **2.9%**.
Charged in Jul to Sep, Oakfield billed 6% more a night than before (600 → 636, 610 → 647, 620 → 657,
…): the consortium's charged median went from £4,217.50 (Apr to Jun) to **£4,469.50**, a change of
252 / 4217.50 = 5.98% → **6.0%**, above the framework's annual uplift of 2.5%.

Rules (README "Consortium benchmarking"):
- Paid: per placement, the weekly fee agreed on the quarter's last night (placement fee change, else
  the placement's weekly fee, else its contract's rate card; here the framework's); for 1:1 hours the
  package rate, else the rate card. Charged: the unit rate of the placement's latest invoice line of
  the item in the quarter (a nightly rate × 7 for placement fees).
- A member's figure is the median of its placements' values (of an even count, the mean of the middle
  two, rounded half up to the penny). A member with fewer than 5 placements in a group is shown as
  "fewer than 5 placements" and its placements are left out of every other figure of the group.
- Consortium median: over the placements of the members shown. Spread: lowest to highest member median.
- Percentages: difference ÷ consortium median (or framework rate) × 100, to 0.1, half up.

"""
with open(os.path.join(HERE, "EXPECTED.md"), "w") as f:
    f.write(HEADER + "\n".join(lines))
print("\n".join(lines))
