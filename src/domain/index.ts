export * from "./errors.js";
export * from "./money.js";
export * from "./dates.js";
export * from "./ranges.js";
export * from "./reference.js";
export * from "./invoice.js";
export * from "./finding.js";
export * from "./classify.js";
