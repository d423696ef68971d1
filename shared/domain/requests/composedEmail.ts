import { z } from "zod";
import { isRecord } from "../../narrowing";
import {
  hasReadPermission,
  hasRequiredSasParameters,
  isAllowedMimeType,
  isAzureBlobStorageHost,
  isLocalBlobUrl,
  isValidFilename,
  minimumSasValidityAfterSendMs,
  sasExpiryMs,
  type BlobOriginPolicy,
} from "../attachments";
import { evenWhenOtherFieldsFailed, whenMissing } from "./fields";
import { emailSendingOptionsSchema, futureOrderRequestSchema, recipientEmailSchema } from "./futureOrder";
import { maxAttachments, maxTextLength } from "./limits";

/**
 * `POST future/orders/composed-email` (Altinn `ComposedEmailRequestExt`): one email to one address with files
 * referenced by SAS URL; no reminders, no contact lookup. Messages are Altinn's, verbatim
 * (`RecipientComposedEmailValidator`, `ComposedEmailRequestValidator`); each attachment rule runs only when
 * the one before it passed, as there.
 */

type Issue = (message: string, path?: PropertyKey[]) => void;

function checkSasUrl(text: string, name: string, policy: BlobOriginPolicy, issue: Issue): void {
  const prefix = `Attachment '${name}': sasUrl`;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  const local = url !== undefined && isLocalBlobUrl(url, policy);
  if (!url || (!local && url.protocol !== "https:")) return issue(`${prefix} must be an absolute HTTPS URI.`);
  if (!local && !isAzureBlobStorageHost(url)) {
    return issue(`${prefix} host must be within Azure Blob Storage (*.blob.core.windows.net).`);
  }
  if (!hasRequiredSasParameters(url)) {
    return issue(`${prefix} is missing required SAS parameters (se, sig, sp, sr).`);
  }
  if (sasExpiryMs(url) === undefined) issue(`${prefix} has an invalid 'se' (signed expiry) value.`);
  if (!hasReadPermission(url))
    issue(`${prefix} does not grant read permission ('r' must be present in 'sp').`);
}

interface AttachmentInput {
  filename?: string;
  mimeType?: string;
  sasUrl?: string;
}

function checkAttachment(attachment: AttachmentInput, policy: BlobOriginPolicy, ctx: z.RefinementCtx): void {
  const issue = (field: string) => (message: string) =>
    ctx.addIssue({ code: "custom", message, path: [field] });
  const { filename, mimeType, sasUrl } = attachment;
  const name = filename ?? "";
  if (filename === undefined || filename.trim() === "") {
    issue("filename")("Attachment filename must not be empty.");
  } else if (!isValidFilename(filename)) {
    issue("filename")(
      `Attachment '${name}': filename must not contain path separators, and must include a file extension.`,
    );
  }
  if (sasUrl === undefined) issue("sasUrl")(`Attachment '${name}': sasUrl must not be null.`);
  else checkSasUrl(sasUrl, name, policy, issue("sasUrl"));
  if (mimeType === undefined || mimeType.trim() === "") {
    issue("mimeType")(`Attachment '${name}': mimeType must not be empty.`);
  } else if (!isAllowedMimeType(mimeType)) {
    issue("mimeType")(
      `Attachment '${name}': mimeType is not supported. Refer to ACS documentation for the list of accepted MIME types.`,
    );
  }
}

function attachmentSchema(policy: BlobOriginPolicy) {
  return (
    z
      .object({
        filename: z.string().max(maxTextLength.attachmentFilename).optional(),
        mimeType: z.string().max(maxTextLength.mimeType).optional(),
        sasUrl: z.string().max(maxTextLength.sasUrl).meta({ format: "uri" }).optional(),
      })
      .superRefine((attachment, ctx) => checkAttachment(attachment, policy, ctx), evenWhenOtherFieldsFailed)
      // Runs only when every rule above passed, so each field is there.
      .transform(({ filename = "", mimeType = "", sasUrl = "" }) => ({ filename, mimeType, sasUrl }))
      .meta({ description: "A file in Azure Blob Storage, read with its SAS URL when the email is sent." })
  );
}

function attachmentsSchema(policy: BlobOriginPolicy) {
  return z
    .array(attachmentSchema(policy).nullable())
    .max(maxAttachments, {
      error: `The field Attachments must be a string or array type with a maximum length of '${maxAttachments}'.`,
    })
    .superRefine((items, ctx) => {
      items.forEach((item, index) => {
        if (item === null)
          ctx.addIssue({ code: "custom", message: "Attachment item must not be null.", path: [index] });
      });
    })
    .transform((items) => items.filter((item) => item !== null));
}

/** Altinn `ComposedEmailSendingOptionsExt`: the email's settings and its attachments. */
function composedEmailSettings(policy: BlobOriginPolicy) {
  return z.object(
    { ...emailSendingOptionsSchema.shape, attachments: attachmentsSchema(policy).optional() },
    whenMissing("Recipient email settings cannot be null."),
  );
}

/** The SAS must stay valid 15 minutes past the send time (checked on the whole request, where both are known). */
function checkSasValidity(
  order: { requestedSendTime?: unknown; recipient?: { emailSettings?: { attachments?: unknown } } },
  ctx: z.RefinementCtx,
): void {
  const sendTimeMs = typeof order.requestedSendTime === "string" ? Date.parse(order.requestedSendTime) : NaN;
  const attachments = order.recipient?.emailSettings?.attachments;
  if (Number.isNaN(sendTimeMs) || !Array.isArray(attachments)) return;
  const list: readonly unknown[] = attachments;
  list.forEach((attachment, index) => {
    const fields = isRecord(attachment) ? attachment : {};
    const sasUrl = fields["sasUrl"];
    const filename = typeof fields["filename"] === "string" ? fields["filename"] : "";
    if (typeof sasUrl !== "string" || !URL.canParse(sasUrl)) return;
    const expiry = sasExpiryMs(new URL(sasUrl));
    if (expiry !== undefined && expiry < sendTimeMs + minimumSasValidityAfterSendMs) {
      ctx.addIssue({
        code: "custom",
        message: `Attachment '${filename}': sasUrl must be valid for at least 15 minutes after requestedSendTime.`,
        path: ["recipient", "emailSettings", "attachments", index],
      });
    }
  });
}

/** The request schema; `policy` admits the local Azurite endpoint in local mode. */
export function composedEmailRequestSchema(policy: BlobOriginPolicy = {}) {
  const order = futureOrderRequestSchema.shape;
  return z
    .object({
      idempotencyId: order.idempotencyId,
      sendersReference: order.sendersReference,
      requestedSendTime: order.requestedSendTime,
      conditionEndpoint: order.conditionEndpoint,
      conditionFailurePolicy: order.conditionFailurePolicy,
      dialogportenAssociation: order.dialogportenAssociation,
      recipient: z.object(
        {
          emailAddress: recipientEmailSchema.shape.emailAddress,
          emailSettings: composedEmailSettings(policy),
        },
        whenMissing("Recipient email object cannot be null."),
      ),
    })
    .superRefine(checkSasValidity, evenWhenOtherFieldsFailed)
    .meta({
      description:
        "POST future/orders/composed-email: one email with files referenced by SAS URL (read when the email is sent). Repeating an idempotencyId returns the first order.",
    });
}
export type ComposedEmailRequest = z.output<ReturnType<typeof composedEmailRequestSchema>>;
