/**
 * Shared readers for tabular files (reference data import and invoice ingestion).
 * Keep this API stable: other layers import it.
 */
export { decodeText, decodeTextDetailed, detectEncoding, type DecodedText, type TextEncodingName } from "./decode-text.js";
export { readCsv, detectDelimiter, CSV_DELIMITERS, type CsvDelimiter, type CsvOptions } from "./csv.js";
export { readXlsx, EMPTY_CELL, type Cell, type Sheet, type XlsxOptions } from "./xlsx.js";
export { checkZipDirectory, isZip, DEFAULT_ZIP_LIMITS, type ZipLimits, type ZipDirectory, type ZipEntryInfo } from "./zip-directory.js";
export { formatNumber, formatDateValue, formatGeneral, isDateFormat } from "./number-format.js";
