import type { AttachmentReference } from "../domain/attachments";
import type { FetchedAttachment } from "./attachmentSource";

export interface EmailMessage {
  notificationId: string;
  from: string;
  to: string;
  subject: string;
  body: string;
  contentType: "Plain" | "Html";
  /** Files to read by SAS URL and attach (composed email). */
  attachments?: AttachmentReference[];
}

/** Permanent outcomes of starting a send; transient failures are thrown as AppError kind "transient". */
export type EmailSendOutcome =
  | { outcome: "accepted"; operationId: string }
  | {
      outcome: "failed";
      result:
        | "Failed"
        | "Failed_InvalidEmailFormat"
        | "Failed_SupressedRecipient"
        | "Failed_PayloadTooLarge"
        | "Failed_InvalidSasUrl";
    };

export interface EmailSender {
  send(message: EmailMessage): Promise<EmailSendOutcome>;
}

/** A provider that sends an email with files already read (the ACS adapter). */
export interface FileEmailSender {
  sendWithFiles(message: EmailMessage, files: FetchedAttachment[]): Promise<EmailSendOutcome>;
}
