import rulesConfigJson from "../../rules/rules.config.json" with { type: "json" };
import { loadRulesConfig } from "../../src/audit/config.js";
import type { LineKeywords } from "../../src/domain/classify.js";

/** The shipped item keywords, as the ingest service gives them to the readers. */
export const LINE_KEYWORDS: LineKeywords = (({ items, feeKeywords }) => ({ items, feeKeywords }))(loadRulesConfig(rulesConfigJson));
