import type { Container, ItemDefinition } from "@azure/cosmos";
import { z } from "zod";
import type { DeliveryReference, DeliveryReferenceStore } from "../../ports/notificationStore";
import { defaultRetentionRules, type RetentionRules } from "../../domain/retention";
import { readMany, runBulk } from "./bulk";
import { mapCosmosError } from "./errors";

const referenceSchema = z.object({
  provider: z.enum(["acs", "link"]),
  reference: z.string(),
  orderId: z.string(),
  notificationId: z.string(),
});

const keyOf = (provider: string, reference: string) => `${provider}:${reference}`;

/**
 * One small document per provider reference, found with a point read when a delivery report arrives; it
 * points at a notification, so it is deleted with the notifications (`ttl`, `retainUntil`).
 */
export class CosmosDeliveryReferenceStore implements DeliveryReferenceStore {
  constructor(
    private readonly container: Container,
    private readonly retention: RetentionRules = defaultRetentionRules,
  ) {}

  async put(reference: DeliveryReference): Promise<void> {
    const id = keyOf(reference.provider, reference.reference);
    try {
      await this.container.items.upsert({ id, pk: id, ...reference, ...this.retention.deliveryReference() });
    } catch (error) {
      throw mapCosmosError(error, "store delivery reference");
    }
  }

  async putMany(references: DeliveryReference[]): Promise<void> {
    await runBulk(
      this.container,
      references.map((reference) => {
        const id = keyOf(reference.provider, reference.reference);
        return {
          kind: "upsert" as const,
          body: { id, pk: id, ...reference, ...this.retention.deliveryReference() },
        };
      }),
      "store delivery references",
    );
  }

  async get(
    provider: DeliveryReference["provider"],
    reference: string,
  ): Promise<DeliveryReference | undefined> {
    const id = keyOf(provider, reference);
    try {
      const { resource } = await this.container.item(id, id).read<ItemDefinition>();
      return resource ? referenceSchema.parse(resource) : undefined;
    } catch (error) {
      throw mapCosmosError(error, "read delivery reference");
    }
  }

  async getMany(
    keys: Array<{ provider: DeliveryReference["provider"]; reference: string }>,
  ): Promise<DeliveryReference[]> {
    const ids = [...new Set(keys.map(({ provider, reference }) => keyOf(provider, reference)))];
    const found = await readMany(
      this.container,
      ids.map((id) => ({ id, partitionKey: id })),
      "read delivery references",
    );
    return found.map((raw) => referenceSchema.parse(raw));
  }
}
