import type { Container, ItemDefinition } from "@azure/cosmos";
import { sendBatchDocumentSchema, type NewSendBatch, type SendBatchDocument } from "../../domain/sendBatch";
import type { SendBatches } from "../../ports/sendBatches";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import type { SweepPage } from "../../ports/sweepPage";
import { runBulk } from "./bulk";
import { mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";
import { quarantineDocument, sweepPageOf } from "./sweepPage";

/**
 * Send batches in the `orders` container, in their order's partition (pk = order id). They hold ids only,
 * and are kept as long as their order can be running (`ttl`, `retainUntil`).
 */
export class CosmosSendBatches implements SendBatches {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async createMany(batches: NewSendBatch[]): Promise<void> {
    await runBulk(
      this.container,
      batches.map((b) => ({
        kind: "create" as const,
        body: { ...b, pk: b.orderId, docType: "sendBatch", ...this.retention.orderData(b.sendAfter) },
      })),
      "create send batches",
    );
  }

  async get(orderId: string, batchId: string): Promise<SendBatchDocument | undefined> {
    try {
      const { resource } = await this.container.item(batchId, orderId).read<ItemDefinition>();
      return resource ? sendBatchDocumentSchema.parse(resource) : undefined;
    } catch (error) {
      throw mapCosmosError(error, "read send batch");
    }
  }

  async update(
    batch: SendBatchDocument,
    changes: Partial<Pick<SendBatchDocument, "status" | "statusChangedAt" | "sendAfter" | "attempts">>,
  ): Promise<SendBatchDocument> {
    return sendBatchDocumentSchema.parse(
      await replaceIfUnchanged(
        this.container,
        batch,
        batch.pk,
        { ...changes, ...this.retention.orderData(changes.sendAfter ?? batch.sendAfter) },
        "update send batch",
      ),
    );
  }

  quarantine(orderId: string, batchId: string, problem: string, at: Date): Promise<void> {
    return quarantineDocument(this.container, { id: batchId, partitionKey: orderId }, problem, at);
  }

  async listOpen(orderId: string, limit: number): Promise<SweepPage<SendBatchDocument>> {
    let resources: unknown[];
    try {
      ({ resources } = await this.container.items
        .query(
          {
            query:
              "SELECT TOP @limit * FROM c WHERE c.pk = @orderId AND c.docType = 'sendBatch' AND c.status != 'Done' AND NOT IS_DEFINED(c.quarantine)",
            parameters: [
              { name: "@limit", value: limit },
              { name: "@orderId", value: orderId },
            ],
          },
          { partitionKey: orderId },
        )
        .fetchAll());
    } catch (error) {
      throw mapCosmosError(error, "list open send batches");
    }
    return sweepPageOf(resources, sendBatchDocumentSchema, (raw) => raw["pk"]);
  }
}
