import type { Database } from "../../db/connection.js";
import { listTaughtTemplates } from "../../db/repositories/provider-template.repository.js";
import { parseTemplate, type ProviderTemplate } from "../../ingest/templates.js";
import type { Logger } from "../../logger.js";

/** Where a taught template says it came from, in messages and on the reading outcome. */
export function taughtTemplateSource(providerId: string): string {
  return `taught-${providerId}.json`;
}

/**
 * The layouts taught from the review screen (issue 18), as the reader's templates. A stored
 * template that no longer parses (a later version refusing a setting) is left out with a
 * warning rather than stopping every ingest: its files simply wait for a person again.
 */
export async function taughtTemplates(db: Database, authorityId: number, logger?: Logger): Promise<ProviderTemplate[]> {
  const templates: ProviderTemplate[] = [];
  for (const record of await listTaughtTemplates(db.knex, authorityId)) {
    try {
      templates.push(parseTemplate(record.template, taughtTemplateSource(record.providerId)));
    } catch (error) {
      logger?.warn("taught provider template left out", { templateId: record.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return templates;
}
