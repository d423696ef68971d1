import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { hostServices } from "../shared/app/hostServices";
import {
  createTemplate,
  getTemplate,
  listTenantTemplates,
  retireTenantTemplate,
} from "../shared/http/handlers/templates";

const templates = "future/templates";
app.http("createTemplate", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: templates,
  handler: createTemplate(hostServices),
});
app.http("listTemplates", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: templates,
  handler: listTenantTemplates(hostServices),
});
app.http("getTemplate", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: `${templates}/{name}`,
  handler: getTemplate(hostServices),
});
app.http("retireTemplate", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: `${templates}/{name}/retire`,
  handler: retireTenantTemplate(hostServices),
});
