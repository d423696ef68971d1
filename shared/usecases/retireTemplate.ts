import type { TemplateDocument } from "../domain/templates";
import type { Clock } from "../ports/clock";
import type { TemplateStore } from "../ports/templateStore";
import { requireTemplate, templatesOf } from "./steps/tenantScope";

/**
 * Retires every version of a template: orders can no longer name it. Orders accepted before keep the texts
 * they copied at intake. Retiring again changes nothing and answers the same.
 */
export async function retireTemplate(
  deps: { templates: TemplateStore; clock: Clock },
  creator: string,
  name: string,
): Promise<TemplateDocument[]> {
  const templates = templatesOf(deps.templates, creator);
  const versions = await requireTemplate(templates, name);
  const retired = deps.clock.now().toISOString();
  for (const version of versions.filter((v) => !v.retired)) {
    await deps.templates.retireVersion(version, retired);
  }
  return requireTemplate(templates, name);
}
