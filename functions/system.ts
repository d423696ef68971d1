import "../shared/telemetry/start";
import { app } from "@azure/functions";
import { health, openApi } from "../shared/http/handlers/system";

app.http("health", { methods: ["GET"], authLevel: "anonymous", route: "health", handler: health });
app.http("openapi", { methods: ["GET"], authLevel: "anonymous", route: "openapi.json", handler: openApi });
