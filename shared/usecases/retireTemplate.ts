import type { TemplateDocument } from "../domain/templates";
import type { Clock } from "../ports/clock";
import type { TemplateStore } from "../ports/templateStore";
import { getTenantTemplate } from "./getTenantTemplate";

/**
 * Retires every version of a template: orders can no longer name it. Orders accepted before keep the texts
 * they copied at intake. Retiring again changes nothing and answers the same.
 */
export async function retireTemplate(
  deps: { templates: TemplateStore; clock: Clock },
  creator: string,
  name: string,
): Promise<TemplateDocument[]> {
  const versions = await getTenantTemplate(deps, creator, name);
  const retired = deps.clock.now().toISOString();
  for (const version of versions.filter((v) => !v.retired)) {
    await deps.templates.retireVersion(version, retired);
  }
  return getTenantTemplate(deps, creator, name);
}
