import { scopes } from "../../auth/principal";
import { isTemplateName, templateRequestSchema } from "../../domain/templates";
import { validate } from "../../domain/requests/validate";
import { AppError } from "../../errors";
import { createTemplateVersion } from "../../usecases/createTemplateVersion";
import { listTemplates } from "../../usecases/listTemplates";
import { retireTemplate } from "../../usecases/retireTemplate";
import { viewTemplate } from "../../usecases/viewTemplate";
import { readJsonBody } from "../body";
import { apiBase, authenticatedEndpoint, json } from "../endpoint";
import { validationProblem } from "../problem";
import { templateView, templateVersionsView } from "../views/templateViews";

/** A route name that cannot be a template's is a 404 without a store read. */
function templateNameOf(params: Record<string, string>): string {
  const name = params["name"] ?? "";
  if (!isTemplateName(name)) throw new AppError("not-found", "Template not found.");
  return name;
}

/** `POST future/templates`: version 1 of a new template, or the next version of an existing one. */
export const createTemplate = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const result = validate(templateRequestSchema, await readJsonBody(request), { now: deps.clock.now() });
  if (!result.ok) return validationProblem(result.errors);
  const template = await createTemplateVersion(deps, principal.tenant, result.value);
  return json(201, templateView(template), {
    location: `${apiBase(request)}/future/templates/${encodeURIComponent(template.name)}`,
  });
});

/** `GET future/templates`: the latest version of each template, retired ones included. */
export const listTenantTemplates = authenticatedEndpoint(scopes.create, async ({ principal, deps }) => {
  const templates = await listTemplates(deps, principal.tenant);
  return json(200, { templates: templates.map(templateView) });
});

/** `GET future/templates/{name}`: every version, oldest first. */
export const getTemplate = authenticatedEndpoint(scopes.create, async ({ request, principal, deps }) => {
  const versions = await viewTemplate(deps, principal.tenant, templateNameOf(request.params));
  return json(200, templateVersionsView(versions));
});

/** `PUT future/templates/{name}/retire`: no order can name it any more; accepted orders keep their texts. */
export const retireTenantTemplate = authenticatedEndpoint(
  scopes.create,
  async ({ request, principal, deps }) => {
    const versions = await retireTemplate(deps, principal.tenant, templateNameOf(request.params));
    return json(200, templateVersionsView(versions));
  },
);
