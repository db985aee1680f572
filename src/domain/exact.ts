/**
 * An exact rational number n / d for the audit's hot path (AUDIT.md "Money is exact": a
 * nightly rate W/7 or a value shared per night is carried as a fraction, and rounded once, at
 * the end). No floating point ever holds a value: numerator and denominator are integers,
 * kept in lowest terms with d > 0.
 *
 * Why not decimal.js: an audit run does a few dozen operations per line, and decimal.js
 * allocates digit arrays and rounds to 40 digits on each (a third of the engine's time, and a
 * hair off every fraction it cannot write in 40 digits). Here the usual value is a whole
 * number of pence or a small fraction of one, held in two JavaScript numbers that stay safe
 * integers (below 2^53, where every integer is exact); an operation whose result would not
 * fit is redone in BigInt and the value stays exact however large it grows.
 */

const MAX = Number.MAX_SAFE_INTEGER;

function safe(n: number): boolean {
  return n <= MAX && n >= -MAX;
}

/** Greatest common divisor of two non-negative safe integers (exact: % on doubles is exact). */
function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function bigGcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

const MAX_BIG = BigInt(MAX);
const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

export class Exact {
  /**
   * Small form: `num`/`den` safe integers and `big` null. Large form: `big` holds them as
   * BigInts (num and den are then NaN). A value that fits is always in the small form, so two
   * equal values have equal fields.
   */
  private constructor(
    readonly num: number,
    readonly den: number,
    private readonly big: { readonly n: bigint; readonly d: bigint } | null,
  ) {}

  static readonly ZERO = new Exact(0, 1, null);
  static readonly ONE = new Exact(1, 1, null);

  /** A whole number (a safe integer: nights, counts, pence). */
  static int(n: number): Exact {
    if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
    return n === 0 ? Exact.ZERO : new Exact(n, 1, null);
  }

  /** n / d for safe integers, d ≠ 0. */
  static ratio(n: number, d: number): Exact {
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d === 0) throw new RangeError(`${n}/${d} is not a ratio of safe integers`);
    return Exact.reduced(n, d);
  }

  /** A decimal as written in data ("912.50", "-0.05", "917"), exactly. */
  static of(text: string): Exact {
    const m = DECIMAL.exec(text.trim());
    if (m === null || (m[2] === "" && (m[3] === undefined || m[3] === ""))) throw new RangeError(`"${text}" is not a decimal number`);
    const fraction = m[3] ?? "";
    const digits = (m[2] ?? "") + fraction;
    const sign = m[1] === "-" ? -1 : 1;
    if (digits.length <= 15) return Exact.reduced(sign * Number(digits), 10 ** fraction.length);
    return Exact.fromBig(BigInt(digits) * BigInt(sign), 10n ** BigInt(fraction.length));
  }

  private static reduced(n: number, d: number): Exact {
    if (d < 0) {
      n = -n;
      d = -d;
    }
    if (n === 0) return Exact.ZERO;
    if (d === 1) return new Exact(n, 1, null);
    const g = gcd(n < 0 ? -n : n, d);
    return g === 1 ? new Exact(n, d, null) : new Exact(n / g, d / g, null);
  }

  private static fromBig(n: bigint, d: bigint): Exact {
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = bigGcd(n, d);
    if (g > 1n) {
      n /= g;
      d /= g;
    }
    if (d <= MAX_BIG && n <= MAX_BIG && n >= -MAX_BIG) return n === 0n ? Exact.ZERO : new Exact(Number(n), Number(d), null);
    return new Exact(NaN, NaN, { n, d });
  }

  private get bigN(): bigint {
    return this.big === null ? BigInt(this.num) : this.big.n;
  }

  private get bigD(): bigint {
    return this.big === null ? BigInt(this.den) : this.big.d;
  }

  /** Whether the value is held in safe integers (false once it has needed BigInt). */
  get isSmall(): boolean {
    return this.big === null;
  }

  plus(other: Exact | number): Exact {
    // x + 0 is x and 0 + x is x: values never change, so either is returned as it is (sums
    // start from zero and most added amounts are whole pence: no new value for the first term).
    if (typeof other !== "number") {
      if (other.num === 0) return this;
      if (this.num === 0) return other;
    }
    if (typeof other === "number" && this.big === null && Number.isSafeInteger(other)) {
      const scaled = other * this.den;
      const n = this.num + scaled;
      if (safe(scaled) && safe(n)) return n === 0 ? Exact.ZERO : new Exact(n, this.den, null);
    }
    const o = typeof other === "number" ? Exact.int(other) : other;
    if (this.big === null && o.big === null) {
      if (this.den === o.den) {
        const n = this.num + o.num;
        if (safe(n)) return this.den === 1 ? (n === 0 ? Exact.ZERO : new Exact(n, 1, null)) : Exact.reduced(n, this.den);
      } else {
        const a = this.num * o.den;
        const b = o.num * this.den;
        const d = this.den * o.den;
        if (safe(a) && safe(b) && safe(d) && safe(a + b)) return Exact.reduced(a + b, d);
      }
    }
    return Exact.fromBig(this.bigN * o.bigD + o.bigN * this.bigD, this.bigD * o.bigD);
  }

  minus(other: Exact | number): Exact {
    // The common cases without making −other first (this runs several times per line).
    if (typeof other === "number") {
      if (Number.isSafeInteger(other)) return this.plus(-other);
    } else if (this.big === null && other.big === null) {
      if (other.num === 0) return this;
      if (this.den === other.den) {
        const n = this.num - other.num;
        if (safe(n)) return this.den === 1 ? (n === 0 ? Exact.ZERO : new Exact(n, 1, null)) : Exact.reduced(n, this.den);
      } else {
        const a = this.num * other.den;
        const b = other.num * this.den;
        const d = this.den * other.den;
        if (safe(a) && safe(b) && safe(d) && safe(a - b)) return Exact.reduced(a - b, d);
      }
    }
    const o = typeof other === "number" ? Exact.int(other) : other;
    return this.plus(o.negated());
  }

  times(other: Exact | number): Exact {
    // x × 1 is x.
    if (typeof other === "number" ? other === 1 : other.num === 1 && other.den === 1) return this;
    // A whole number (nights, mostly): no Exact is made for it.
    if (typeof other === "number" && this.big === null && Number.isSafeInteger(other)) {
      if (other === 0 || this.num === 0) return Exact.ZERO;
      const g = this.den === 1 ? 1 : gcd(other < 0 ? -other : other, this.den);
      const n = this.num * (other / g);
      if (safe(n)) return new Exact(n, this.den / g, null);
    }
    const o = typeof other === "number" ? Exact.int(other) : other;
    if (this.big === null && o.big === null) {
      if (this.den === 1 && o.den === 1) {
        const n = this.num * o.num;
        if (safe(n)) return n === 0 ? Exact.ZERO : new Exact(n, 1, null);
      } else {
        // Cross-cancel first: the result is then in lowest terms and its parts as small as they can be.
        const g1 = gcd(this.num < 0 ? -this.num : this.num, o.den);
        const g2 = gcd(o.num < 0 ? -o.num : o.num, this.den);
        // (gcd(0, d) is d, never 0.)
        const n = (this.num / g1) * (o.num / g2);
        const d = (o.den / g1) * (this.den / g2);
        if (safe(n) && safe(d)) return n === 0 ? Exact.ZERO : new Exact(n, d, null);
      }
    }
    return Exact.fromBig(this.bigN * o.bigN, this.bigD * o.bigD);
  }

  dividedBy(other: Exact | number): Exact {
    // By a whole number (nights, 7, 100), given as a number or held as an Exact: no reciprocal is made.
    if (this.big === null) {
      if (typeof other === "number") {
        if (Number.isSafeInteger(other) && other !== 0) {
          const quotient = this.dividedByInt(other);
          if (quotient !== null) return quotient;
        }
      } else if (other.big === null && other.den === 1 && other.num !== 0) {
        const quotient = this.dividedByInt(other.num);
        if (quotient !== null) return quotient;
      }
    }
    const o = typeof other === "number" ? Exact.int(other) : other;
    if (o.isZero()) throw new RangeError("division by zero");
    return this.times(o.reciprocal());
  }

  /** this / n for a small this and a safe integer n ≠ 0; null when the denominator would not stay safe. */
  private dividedByInt(n: number): Exact | null {
    if (this.num === 0) return Exact.ZERO;
    const a = n < 0 ? -n : n;
    const g = gcd(this.num < 0 ? -this.num : this.num, a);
    const d = this.den * (a / g);
    return safe(d) ? new Exact(n < 0 ? -this.num / g : this.num / g, d, null) : null;
  }

  reciprocal(): Exact {
    if (this.big === null) return this.num < 0 ? new Exact(-this.den, -this.num, null) : new Exact(this.den, this.num, null);
    return Exact.fromBig(this.big.d, this.big.n);
  }

  negated(): Exact {
    if (this.big === null) return this.num === 0 ? this : new Exact(-this.num, this.den, null);
    return new Exact(NaN, NaN, { n: -this.big.n, d: this.big.d });
  }

  abs(): Exact {
    return this.isNegative() ? this.negated() : this;
  }

  /** -1, 0 or 1 as this is less than, equal to or more than `other`. */
  compare(other: Exact | number): number {
    if (typeof other === "number" && this.big === null && Number.isSafeInteger(other)) {
      const scaled = other * this.den;
      if (safe(scaled)) return this.num < scaled ? -1 : this.num > scaled ? 1 : 0;
    }
    const o = typeof other === "number" ? Exact.int(other) : other;
    if (this.big === null && o.big === null) {
      if (this.den === o.den) return this.num < o.num ? -1 : this.num > o.num ? 1 : 0;
      const a = this.num * o.den;
      const b = o.num * this.den;
      if (safe(a) && safe(b)) return a < b ? -1 : a > b ? 1 : 0;
    }
    const a = this.bigN * o.bigD;
    const b = o.bigN * this.bigD;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  greaterThan(other: Exact | number): boolean {
    return this.compare(other) > 0;
  }

  lessThan(other: Exact | number): boolean {
    return this.compare(other) < 0;
  }

  equals(other: Exact | number): boolean {
    return this.compare(other) === 0;
  }

  isZero(): boolean {
    return this.num === 0;
  }

  isPositive(): boolean {
    return this.big === null ? this.num > 0 : this.big.n > 0n;
  }

  isNegative(): boolean {
    return this.big === null ? this.num < 0 : this.big.n < 0n;
  }

  static min(a: Exact, b: Exact): Exact {
    return a.compare(b) <= 0 ? a : b;
  }

  static max(a: Exact, b: Exact): Exact {
    return a.compare(b) >= 0 ? a : b;
  }

  /**
   * The nearest whole number, halves away from zero (decimal.js's ROUND_HALF_UP, which the
   * audit has always used: £71.815 is £71.82).
   */
  roundHalfUp(): Exact {
    if (this.big === null) {
      if (this.den === 1) return this;
      const a = this.num < 0 ? -this.num : this.num;
      // % on doubles is exact, and so is (a − r) / den: a − r is a multiple of den.
      const r = a % this.den;
      const q = (a - r) / this.den + (2 * r >= this.den ? 1 : 0);
      return q === 0 ? Exact.ZERO : new Exact(this.num < 0 ? -q : q, 1, null);
    }
    const { n, d } = this.big;
    const a = n < 0n ? -n : n;
    const q = (2n * a + d) / (2n * d);
    return Exact.fromBig(n < 0n ? -q : q, 1n);
  }

  /** Rounded half up (away from zero) to `places` decimal places. */
  roundedTo(places: number): Exact {
    const scale = 10 ** places;
    return this.times(scale).roundHalfUp().dividedBy(scale);
  }

  /** The numerator and denominator as BigInts (for formatting at the edges). */
  toFraction(): { n: bigint; d: bigint } {
    return { n: this.bigN, d: this.bigD };
  }

  /** "n/d", for messages and tests. */
  toString(): string {
    return this.big === null ? `${this.num}/${this.den}` : `${this.big.n}/${this.big.d}`;
  }
}
