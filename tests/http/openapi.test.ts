import { Validator } from "@seriousme/openapi-schema-validator";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { openApi } from "../../shared/http/handlers/system";
import type { openApiDocument } from "../../shared/http/openapi";

/** The document is built from the schemas alone. */
const noDependencies = () => Promise.reject(new Error("openapi.json needs no dependencies"));

describe("GET openapi.json", () => {
  it("is a valid OpenAPI 3.1 document describing the request schemas that validate requests", async () => {
    const request = new HttpRequest({
      method: "GET",
      url: "http://localhost:7071/notifications/api/v1/openapi.json",
    });
    const response = (await openApi(noDependencies)(
      request,
      new InvocationContext({ logHandler: () => {} }),
    )) as HttpResponseInit;
    expect(response.status).toBe(200);
    const document = response.jsonBody as ReturnType<typeof openApiDocument>;
    expect(document.servers).toEqual([{ url: "http://localhost:7071/notifications/api/v1" }]);

    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const schemas = document.components.schemas as Record<string, unknown>;
    const chain = schemas["NotificationOrderChainRequest"] as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(chain.properties)).toEqual(
      expect.arrayContaining([
        "idempotencyId",
        "recipient",
        "reminders",
        "requestedSendTime",
        "conditionEndpoint",
      ]),
    );
    expect(chain.required).toContain("idempotencyId");

    // Responses name their body's component schema, so typed clients can be generated.
    const created = (
      document.paths["/future/orders"] as Record<string, { responses: Record<string, unknown> }>
    )["post"]?.responses["201"];
    expect(created).toMatchObject({
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/NotificationOrderChainResponse" } },
      },
      headers: { location: { schema: { type: "string" } } },
    });
    expect(schemas["NotificationOrderChainResponse"]).toMatchObject({
      required: ["notificationOrderId", "notification"],
    });

    // The time limits: stated once for the API, and as bounds where JSON Schema can express them.
    expect(document.info.description).toContain(
      "must be at most 3653 days (10 years) after the request; delayDays 1–3653; instant SMS timeToLiveInSeconds 60–172800",
    );
    const reminders = chain.properties["reminders"] as {
      items: { properties: Record<string, { maximum?: number; description?: string }> };
    };
    expect(reminders.items.properties["delayDays"]).toMatchObject({ minimum: 1, maximum: 3653 });
    expect(reminders.items.properties["requestedSendTime"]?.description).toContain("3653 days (10 years)");
  });
});
