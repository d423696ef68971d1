import type { Container } from "@azure/cosmos";
import { z } from "zod";
import type { DeadDeliveryReport, DeadDeliveryReports } from "../../ports/deadDeliveryReports";
import { mapCosmosError } from "./errors";

const reportSchema = z.object({
  id: z.string(),
  channel: z.enum(["email", "sms"]),
  reason: z.enum(["NOTIFICATION_EXPIRED", "RETRY_THRESHOLD_EXCEEDED", "INVALID_REPORT"]),
  payload: z.unknown(),
  firstSeen: z.string(),
  lastAttempt: z.string(),
  resolved: z.boolean(),
});

export class CosmosDeadDeliveryReports implements DeadDeliveryReports {
  constructor(private readonly container: Container) {}

  async save(report: DeadDeliveryReport): Promise<void> {
    try {
      await this.container.items.upsert({ ...report, pk: report.id });
    } catch (error) {
      throw mapCosmosError(error, "save dead delivery report");
    }
  }

  async list(limit: number): Promise<DeadDeliveryReport[]> {
    try {
      const { resources } = await this.container.items
        .query({
          query: "SELECT TOP @limit * FROM c WHERE c.resolved = false ORDER BY c.firstSeen ASC",
          parameters: [{ name: "@limit", value: limit }],
        })
        .fetchAll();
      return resources.map((r) => reportSchema.parse(r));
    } catch (error) {
      throw mapCosmosError(error, "list dead delivery reports");
    }
  }

  async markResolved(id: string): Promise<void> {
    try {
      await this.container
        .item(id, id)
        .patch({ operations: [{ op: "set", path: "/resolved", value: true }] });
    } catch (error) {
      throw mapCosmosError(error, "resolve dead delivery report");
    }
  }
}
