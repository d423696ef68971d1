import type { Container } from "@azure/cosmos";
import { z } from "zod";
import type {
  DeadDeliveryReport,
  DeadDeliveryReports,
  StoredDeadDeliveryReport,
} from "../../ports/deadDeliveryReports";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { quarantineDocument, sweepPageOf } from "./sweepPage";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";

const reportSchema = z.object({
  id: z.string(),
  channel: z.enum(["email", "sms"]),
  reason: z.enum(["NOTIFICATION_EXPIRED", "RETRY_THRESHOLD_EXCEEDED", "INVALID_REPORT"]),
  payload: z.unknown(),
  firstSeen: z.string(),
  lastAttempt: z.string(),
  resolved: z.boolean(),
  _etag: z.string(),
});

/**
 * Reports carry a provider's payload (addresses included): kept for the retention after their last attempt,
 * and one day once an operator replayed them (`ttl`, `retainUntil`).
 */
export class CosmosDeadDeliveryReports implements DeadDeliveryReports {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async save(report: DeadDeliveryReport): Promise<void> {
    try {
      await this.container.items.upsert({ ...report, pk: report.id, ...this.retention.deadReport(false) });
    } catch (error) {
      throw mapCosmosError(error, "save dead delivery report");
    }
  }

  async list(limit: number): Promise<StoredDeadDeliveryReport[]> {
    try {
      const { resources } = await this.container.items
        .query({
          query:
            "SELECT TOP @limit * FROM c WHERE c.resolved = false AND NOT IS_DEFINED(c.quarantine) ORDER BY c.firstSeen ASC",
          parameters: [{ name: "@limit", value: limit }],
        })
        .fetchAll();
      // An unreadable report is set aside rather than hiding every other report from the operator.
      const page = sweepPageOf(resources, reportSchema, (raw) => raw["pk"] ?? raw["id"]);
      for (const unreadable of page.unreadable)
        await quarantineDocument(this.container, unreadable, unreadable.problem, new Date());
      return page.documents;
    } catch (error) {
      throw mapCosmosError(error, "list dead delivery reports");
    }
  }

  async markResolved(report: StoredDeadDeliveryReport): Promise<boolean> {
    try {
      const { ttl, retainUntil } = this.retention.deadReport(true);
      await this.container.item(report.id, report.id).patch(
        {
          operations: [
            { op: "set", path: "/resolved", value: true },
            { op: "set", path: "/ttl", value: ttl },
            { op: "set", path: "/retainUntil", value: retainUntil },
          ],
        },
        { accessCondition: { type: "IfMatch", condition: report._etag } },
      );
      return true;
    } catch (error) {
      if (isCosmosStatus(error, 412)) return false;
      throw mapCosmosError(error, "resolve dead delivery report");
    }
  }
}
