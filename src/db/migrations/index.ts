import type { Knex } from "knex";
import * as authorities from "./20261129_0001_authorities.js";
import * as reference from "./20261129_0002_reference.js";
import * as invoices from "./20261129_0003_invoices.js";
import * as audit from "./20261129_0004_audit.js";
import * as users from "./20261129_0005_users.js";
import * as auditLog from "./20261129_0006_audit_log.js";
import * as schedulerWorkers from "./20261129_0701_scheduler_workers.js";
import * as scheduledSlots from "./20261129_0702_scheduled_slots.js";
import * as auditRunOwner from "./20261129_0703_audit_run_owner.js";
import * as auditOrderIndex from "./20261129_0901_audit_order_index.js";
import * as findingsListingIndex from "./20261129_0902_findings_listing_index.js";
import * as auditProviderOrderIndex from "./20261129_0903_audit_provider_order_index.js";
import * as reviewListingIndexes from "./20261129_1001_review_listing_indexes.js";
import * as needsAttentionReasons from "./20261207_1501_needs_attention_reasons.js";
import * as signInThrottles from "./20261207_1701_sign_in_throttles.js";
import * as importProfiles from "./20261207_1801_import_profiles.js";
import * as arrivalAudits from "./20261207_1901_arrival_audits.js";
import * as keying from "./20261208_1801_keying.js";
import * as writeOffs from "./20261208_1901_write_offs.js";
import * as creditNoteLinks from "./20261208_1902_credit_note_links.js";
import * as consortiaFrameworks from "./20261208_2351_consortia_frameworks.js";
import * as consortiumAnalyst from "./20261208_2352_consortium_analyst.js";
import * as consortiumBenchmark from "./20261208_2353_consortium_benchmark.js";
import * as accountsAndFindingNotes from "./20261208_2501_accounts_and_finding_notes.js";
import * as authorityContact from "./20261208_2601_authority_contact.js";
import * as authoritySequence from "./20261208_2700_authority_sequence.js";
import * as originalFiles from "./20261208_2401_original_files.js";
import * as auditRunParts from "./20261208_2402_audit_run_parts.js";
import * as rowLevelSecurity from "./20261209_2301_row_level_security.js";
import * as sharedWorkSecurity from "./20261209_2302_shared_work_security.js";
import * as arrivalPartitions from "./20261210_q24c01_arrival_partitions.js";
import * as findingsInvoiceAuthorityFk from "./20261210_w2401_findings_invoice_authority_fk.js";
import * as invoiceHotUpdates from "./20261211_w24b01_invoice_hot_updates.js";

/**
 * The migrations, in order. An explicit list rather than a directory scan: it works the same
 * under tsx, vitest and a compiled build (knex's loader cannot import .ts inside vitest).
 * To add a migration: create `YYYYMMDD_NNNN_<what>.ts` with `up` and `down`, and list it here.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Knex.Migration]> = [
  ["20261129_0001_authorities", authorities],
  ["20261129_0002_reference", reference],
  ["20261129_0003_invoices", invoices],
  ["20261129_0004_audit", audit],
  ["20261129_0005_users", users],
  ["20261129_0006_audit_log", auditLog],
  ["20261129_0701_scheduler_workers", schedulerWorkers],
  ["20261129_0702_scheduled_slots", scheduledSlots],
  ["20261129_0703_audit_run_owner", auditRunOwner],
  ["20261129_0901_audit_order_index", auditOrderIndex],
  ["20261129_0902_findings_listing_index", findingsListingIndex],
  ["20261129_0903_audit_provider_order_index", auditProviderOrderIndex],
  ["20261129_1001_review_listing_indexes", reviewListingIndexes],
  ["20261207_1501_needs_attention_reasons", needsAttentionReasons],
  ["20261207_1701_sign_in_throttles", signInThrottles],
  ["20261207_1801_import_profiles", importProfiles],
  ["20261207_1901_arrival_audits", arrivalAudits],
  ["20261208_1801_keying", keying],
  ["20261208_1901_write_offs", writeOffs],
  ["20261208_1902_credit_note_links", creditNoteLinks],
  ["20261208_2351_consortia_frameworks", consortiaFrameworks],
  ["20261208_2352_consortium_analyst", consortiumAnalyst],
  ["20261208_2353_consortium_benchmark", consortiumBenchmark],
  ["20261208_2401_original_files", originalFiles],
  ["20261208_2402_audit_run_parts", auditRunParts],
  ["20261208_2501_accounts_and_finding_notes", accountsAndFindingNotes],
  ["20261208_2601_authority_contact", authorityContact],
  ["20261208_2700_authority_sequence", authoritySequence],
  ["20261209_2301_row_level_security", rowLevelSecurity],
  ["20261209_2302_shared_work_security", sharedWorkSecurity],
  ["20261210_q24c01_arrival_partitions", arrivalPartitions],
  ["20261210_w2401_findings_invoice_authority_fk", findingsInvoiceAuthorityFk],
  ["20261211_w24b01_invoice_hot_updates", invoiceHotUpdates],
];

export const migrationSource: Knex.MigrationSource<readonly [string, Knex.Migration]> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: ([name]) => name,
  getMigration: ([, migration]) => Promise.resolve(migration),
};
