import type { IsoDate } from "./dates.js";
import type { DecimalString } from "./money.js";

/** The authority's reference data, as DATA.md defines it. Money and percentages are decimal strings. */

export const PROVIDER_KINDS = ["ifa", "residential", "supported_16plus", "parent_child", "other"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const UNITS = ["night", "day", "week", "hour", "mile", "session", "item"] as const;
export type Unit = (typeof UNITS)[number];

export const DISCOUNT_KINDS = ["percentage", "sibling", "volume", "length_of_stay"] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];

export const ABSENCE_REASONS = ["hospital", "missing", "custody", "respite", "other"] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

export interface Provider {
  providerId: string;
  name: string;
  kind: ProviderKind;
  vatNumber: string | null;
  aliases: string[];
}

export interface Contract {
  contractId: string;
  providerId: string;
  title: string;
  startDate: IsoDate;
  endDate: IsoDate | null;
  payDepartureDay: boolean;
  absenceRetainerPct: DecimalString;
  absenceRetainerMaxNights: number | null;
  vatExempt: boolean;
}

export interface Rate {
  contractId: string;
  item: string;
  serviceLevel: string | null;
  unit: Unit;
  rate: DecimalString;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
}

export interface Placement {
  placementId: string;
  childRef: string;
  providerId: string;
  contractId: string;
  serviceLevel: string | null;
  startDate: IsoDate;
  endDate: IsoDate | null;
  weeklyFee: DecimalString | null;
  siblingGroup: string | null;
  poNumber: string | null;
}

export interface PlacementFee {
  placementId: string;
  effectiveFrom: IsoDate;
  weeklyFee: DecimalString;
}

export interface AgreedPackage {
  placementId: string;
  item: string;
  unit: Unit;
  rate: DecimalString | null;
  maxPerWeek: DecimalString | null;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
}

export interface Discount {
  discountId: string;
  providerId: string;
  contractId: string | null;
  kind: DiscountKind;
  percent: DecimalString;
  threshold: DecimalString | null;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
  description: string | null;
}

export interface Absence {
  placementId: string;
  fromDate: IsoDate;
  toDate: IsoDate;
  reason: AbsenceReason;
}

/** Everything the audit needs to know about what was agreed. */
export interface ReferenceData {
  providers: Provider[];
  contracts: Contract[];
  rates: Rate[];
  placements: Placement[];
  placementFees: PlacementFee[];
  packages: AgreedPackage[];
  discounts: Discount[];
  absences: Absence[];
}

export function emptyReferenceData(): ReferenceData {
  return { providers: [], contracts: [], rates: [], placements: [], placementFees: [], packages: [], discounts: [], absences: [] };
}
