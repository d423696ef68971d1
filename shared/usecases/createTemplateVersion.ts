import type { TemplateDocument, TemplateRequest } from "../domain/templates";
import { AppError } from "../errors";
import type { Clock } from "../ports/clock";
import type { TemplateStore } from "../ports/templateStore";
import { templatesOf } from "./steps/tenantScope";

/** Concurrent posts of one name race for the next version number; the loser reads again and takes the next. */
const maxAttempts = 5;

/**
 * Stores a template as version 1, or as the next version of the organisation's template with that name.
 * A retired template takes no new versions: its name stays retired, so no order can name it again by mistake.
 */
export async function createTemplateVersion(
  deps: { templates: TemplateStore; clock: Clock },
  creator: string,
  request: TemplateRequest,
): Promise<TemplateDocument> {
  const templates = templatesOf(deps.templates, creator);
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const versions = await templates.versions(request.name);
    const latest = versions.at(-1);
    if (latest?.retired) throw new AppError("conflict", `The template ${request.name} is retired.`);
    const version = {
      creator,
      name: request.name,
      version: (latest?.version ?? 0) + 1,
      description: request.description,
      created: deps.clock.now().toISOString(),
      email: request.email,
      sms: request.sms,
    };
    if ((await deps.templates.createVersion(version)) === "created") {
      const stored = await templates.versions(request.name);
      const created = stored.find((v) => v.version === version.version);
      if (created) return created;
      throw new AppError("transient", "The template version could not be read back.");
    }
  }
  throw new AppError("conflict", `The template ${request.name} is being changed concurrently; try again.`);
}
