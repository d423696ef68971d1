export interface EmailMessage {
  notificationId: string;
  from: string;
  to: string;
  subject: string;
  body: string;
  contentType: "Plain" | "Html";
}

/** Permanent outcomes of starting a send; transient failures are thrown as AppError kind "transient". */
export type EmailSendOutcome =
  | { outcome: "accepted"; operationId: string }
  | {
      outcome: "failed";
      result: "Failed" | "Failed_InvalidEmailFormat" | "Failed_SupressedRecipient" | "Failed_PayloadTooLarge";
    };

export interface EmailSender {
  send(message: EmailMessage): Promise<EmailSendOutcome>;
}
