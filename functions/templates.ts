import "../shared/telemetry/start";
import { app } from "@azure/functions";
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
  handler: createTemplate,
});
app.http("listTemplates", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: templates,
  handler: listTenantTemplates,
});
app.http("getTemplate", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: `${templates}/{name}`,
  handler: getTemplate,
});
app.http("retireTemplate", {
  methods: ["PUT"],
  authLevel: "anonymous",
  route: `${templates}/{name}/retire`,
  handler: retireTenantTemplate,
});
