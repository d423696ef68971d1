import type { OperationSpec } from "./openapi";

const templates = "future/templates";
const readResponses = {
  "401": "No valid bearer token.",
  "403": "The token lacks the scope.",
  "404": "No template of that name for this organisation.",
};

/** The template routes (docs/templates.md), listed in `openapi.json` with the others. */
export const templateOperations: OperationSpec[] = [
  {
    method: "post",
    route: templates,
    operationId: "createTemplate",
    summary: "Create a named template, or the next version of one (email and SMS texts in nb, nn and en)",
    requestBody: "TemplateRequest",
    responses: {
      "201": {
        description: "Created: version 1 of a new name, or the next version of an existing one.",
        body: "Template",
        headers: { location: "The URL of the template (GET future/templates/{name})." },
      },
      "400":
        "Validation problem (problem+json with errors by field path), e.g. an SMS body over the segment limit.",
      "401": "No valid bearer token.",
      "403": "The token lacks the scope.",
      "409": "The template is retired, or is being changed concurrently.",
      "413": "Body over 1 MiB.",
      "415": "Content-Type is not application/json.",
    },
  },
  {
    method: "get",
    route: templates,
    operationId: "listTemplates",
    summary: "The organisation's templates, each in its latest version",
    responses: {
      "200": { description: "Latest versions by name, retired ones marked.", body: "TemplateList" },
      "401": "No valid bearer token.",
      "403": "The token lacks the scope.",
    },
  },
  {
    method: "get",
    route: `${templates}/{name}`,
    operationId: "getTemplate",
    summary: "Every version of one template",
    responses: {
      "200": { description: "The versions, oldest first.", body: "TemplateVersions" },
      ...readResponses,
    },
  },
  {
    method: "put",
    route: `${templates}/{name}/retire`,
    operationId: "retireTemplate",
    summary: "Retire a template: orders can no longer name it (accepted orders keep their texts)",
    responses: {
      "200": { description: "Retired; every version, oldest first.", body: "TemplateVersions" },
      ...readResponses,
    },
  },
];
