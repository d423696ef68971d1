import { app } from "@azure/functions";
import { health } from "../shared/http/handlers/system";

app.http("health", { methods: ["GET"], authLevel: "anonymous", route: "health", handler: health });
