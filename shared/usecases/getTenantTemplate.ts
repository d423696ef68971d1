import type { TemplateDocument } from "../domain/templates";
import { AppError } from "../errors";
import type { TemplateStore } from "../ports/templateStore";

/**
 * Every version of one of the organisation's templates, oldest first. Another organisation's template of
 * the same name is simply not found: the store reads only the caller's partition.
 */
export async function getTenantTemplate(
  deps: { templates: TemplateStore },
  creator: string,
  name: string,
): Promise<TemplateDocument[]> {
  const versions = await deps.templates.versions(creator, name);
  if (versions.length === 0) throw new AppError("not-found", `Template ${name} not found.`);
  return versions;
}
