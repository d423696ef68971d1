import type { TemplateDocument } from "../domain/templates";
import type { TemplateStore } from "../ports/templateStore";
import { requireTemplate, templatesOf } from "./steps/tenantScope";

/**
 * `GET future/templates/{name}`: every version of one of the organisation's templates, oldest first. Another
 * organisation's template of the same name is not found.
 */
export function viewTemplate(
  deps: { templates: TemplateStore },
  tenant: string,
  name: string,
): Promise<TemplateDocument[]> {
  return requireTemplate(templatesOf(deps.templates, tenant), name);
}
