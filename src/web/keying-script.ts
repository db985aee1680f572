/**
 * The keying screen's live arithmetic (issue 18), served as /javascripts/keying.mjs: progressive
 * enhancement ("Check the figures" does the same on the server). Exact decimals with BigInt, so
 * money is never a float here either. Kept as a string, as app.mjs is: the CSP allows no inline
 * script, and the browser gets it from our own origin.
 */
export const KEYING_SCRIPT = String.raw`const form = document.getElementById("keying-form");
const out = document.getElementById("live-arithmetic");

// "4,061.00", "£131", "(10.00)" → the value × 10^6, or null.
function parse(text) {
  let t = (text || "").replace(/[£,\s]/g, "");
  let negative = false;
  if (/^\(.*\)$/.test(t)) { negative = true; t = t.slice(1, -1); }
  if (t.startsWith("-")) { negative = !negative; t = t.slice(1); }
  const m = /^(\d*)(?:\.(\d{0,6}))?$/.exec(t);
  if (!m || (m[1] === "" && !m[2])) return null;
  const value = BigInt(m[1] || "0") * 1000000n + BigInt((m[2] || "").padEnd(6, "0"));
  return negative ? -value : value;
}

// A six-place value rounded half up to the penny, as "£1,234.56".
function money(six) {
  const negative = six < 0n;
  const abs = negative ? -six : six;
  const pence = (abs + 5000n) / 10000n;
  const pounds = (pence / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + "£" + pounds + "." + (pence % 100n).toString().padStart(2, "0");
}

function field(name) {
  const input = form.elements.namedItem(name);
  return input && "value" in input ? parse(input.value) : null;
}

function update() {
  const said = [];
  let sum = 0n;
  let complete = true;
  for (let i = 0; form.elements.namedItem("lines-" + i + "-amount"); i++) {
    const amount = field("lines-" + i + "-amount");
    if (amount === null) { complete = false; continue; }
    sum += amount;
    const quantity = field("lines-" + i + "-quantity");
    const rate = field("lines-" + i + "-unitRate");
    if (quantity !== null && rate !== null) {
      said.push("Line " + (i + 1) + ": quantity × unit rate is " + money((quantity * rate) / 1000000n) + ", the amount is " + money(amount) + ".");
    }
  }
  const subtotal = field("subtotal");
  const vat = field("vat") ?? 0n;
  const total = field("total");
  if (complete) said.push("The lines add up to " + money(sum) + (subtotal !== null ? "; the subtotal is " + money(subtotal) : "") + ".");
  if (total !== null) said.push((subtotal !== null ? "Subtotal" : "Lines") + " + VAT is " + money((subtotal ?? sum) + vat) + "; the total is " + money(total) + ".");
  out.textContent = said.join(" ");
}

if (form && out) {
  form.addEventListener("input", update);
  update();
}
`;
