import type { TemplateDocument } from "../domain/templates";
import type { TemplateStore } from "../ports/templateStore";
import { templatesOf } from "./steps/tenantScope";

/** The latest version of each of the organisation's templates, by name; retired ones are listed as such. */
export function listTemplates(
  deps: { templates: TemplateStore },
  creator: string,
): Promise<TemplateDocument[]> {
  return templatesOf(deps.templates, creator).latestVersions();
}
