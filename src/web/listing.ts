import type { Paged, SortDirection } from "../db/queries/read-model.js";
import { queryString } from "./params.js";

/** Links for sortable column headings and for paging, keeping the current filter. */
export interface SortLink {
  href: string;
  ariaSort: "ascending" | "descending" | "none";
}

export function sortLinks<K extends string>(
  basePath: string,
  columns: readonly K[],
  current: { by: K; direction: SortDirection },
  params: Record<string, string>,
): Record<K, SortLink> {
  const links = {} as Record<K, SortLink>;
  for (const column of columns) {
    const isCurrent = column === current.by;
    // Clicking the current column flips it; another column starts with the biggest/latest first.
    const direction: SortDirection = isCurrent && current.direction === "desc" ? "asc" : "desc";
    links[column] = {
      href: `${basePath}${queryString({ ...params, sort: column, dir: direction })}`,
      ariaSort: isCurrent ? (current.direction === "asc" ? "ascending" : "descending") : "none",
    };
  }
  return links;
}

export interface PaginationView {
  previous?: { href: string };
  next?: { href: string };
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[];
}

/** govukPagination parameters: first, last and the pages around the current one. */
export function pagination<T>(basePath: string, page: Paged<T>, params: Record<string, string>): PaginationView | null {
  if (page.pageCount <= 1) return null;
  const href = (n: number): string => `${basePath}${queryString({ ...params, page: n })}`;
  const wanted = new Set([1, page.pageCount, page.page - 1, page.page, page.page + 1].filter((n) => n >= 1 && n <= page.pageCount));
  const numbers = [...wanted].sort((a, b) => a - b);
  const items: PaginationView["items"] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n - (numbers[i - 1] ?? n) > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page.page });
  });
  return {
    ...(page.page > 1 ? { previous: { href: href(page.page - 1) } } : {}),
    ...(page.page < page.pageCount ? { next: { href: href(page.page + 1) } } : {}),
    items,
  };
}

export interface SelectItem {
  value: string;
  text: string;
  selected: boolean;
}

/** govukSelect items with a first "any" choice, the current value selected. */
export function selectItems(anyText: string, options: readonly { value: string; text: string }[], current: string): SelectItem[] {
  return [{ value: "", text: anyText, selected: current === "" }, ...options.map((o) => ({ ...o, selected: o.value === current }))];
}
