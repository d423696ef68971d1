import { z } from "zod";
import { isValidNationalIdentityNumber } from "../../domain/norwegianIdentifiers";

/** `POST operations/erasure`: the person, in the body so the number never appears in a URL or access log. */
export const erasureRequestSchema = z.strictObject({
  nationalIdentityNumber: z
    .string()
    .refine(isValidNationalIdentityNumber, "must be 11 digits with valid check digits"),
});

/** What the erasure removed or anonymised (ports/personalDataErasure.ts). */
export const erasureReportSchema = z.object({
  orderIds: z.array(z.uuid()),
  recipientRows: z.number().int(),
  notifications: z.number().int(),
  statusFeedEntries: z.number().int(),
  webhookDeliveries: z.number().int(),
  registry: z.object({
    persons: z.number().int(),
    userContactPoints: z.number().int(),
    roleAssignments: z.number().int(),
  }),
});
