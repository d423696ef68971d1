export interface SmsMessage {
  notificationId: string;
  /** Sender name (at most 11 characters) or number. */
  sender: string;
  /** E.164. */
  to: string;
  body: string;
  timeToLiveSeconds: number;
}

/** Permanent outcomes of a send; transient failures are thrown as AppError kind "transient". */
export type SmsSendOutcome =
  | { outcome: "accepted"; gatewayReference: string }
  | { outcome: "failed"; result: "Failed" | "Failed_InvalidRecipient" };

export interface SmsSender {
  send(message: SmsMessage): Promise<SmsSendOutcome>;
  /**
   * Many messages in one gateway submission: one outcome per message, in order. A failure of the whole
   * submission is thrown (AppError "transient"), as for one message.
   */
  sendMany(messages: SmsMessage[]): Promise<SmsSendOutcome[]>;
}
