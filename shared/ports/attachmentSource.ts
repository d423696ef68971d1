import type { AttachmentReference } from "../domain/attachments";

export interface FetchedAttachment {
  filename: string;
  mimeType: string;
  content: Buffer;
}

/**
 * Permanent outcomes of reading an email's attachments; a failure that may pass (a 5xx, a timeout, a lost
 * connection) is thrown as AppError kind "transient" so the send is retried.
 */
export type AttachmentFetchOutcome =
  | { outcome: "fetched"; attachments: FetchedAttachment[]; totalBytes: number }
  | { outcome: "failed"; result: "Failed_InvalidSasUrl" | "Failed_PayloadTooLarge" };

export interface AttachmentSource {
  /** Reads every file in order, stopping as soon as their total would pass `maxTotalBytes`. */
  fetchAll(references: AttachmentReference[], maxTotalBytes: number): Promise<AttachmentFetchOutcome>;
}
