export interface DeadDeliveryReport {
  id: string;
  channel: "email" | "sms";
  reason: "NOTIFICATION_EXPIRED" | "RETRY_THRESHOLD_EXCEEDED" | "INVALID_REPORT";
  /** The report as received, so an operator can replay it. */
  payload: unknown;
  firstSeen: string;
  lastAttempt: string;
  resolved: boolean;
}

export interface DeadDeliveryReports {
  save(report: DeadDeliveryReport): Promise<void>;
  list(limit: number): Promise<DeadDeliveryReport[]>;
  markResolved(id: string): Promise<void>;
}
