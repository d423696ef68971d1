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

/** A dead report as read, with the version it was read at. */
export type StoredDeadDeliveryReport = DeadDeliveryReport & { _etag: string };

export interface DeadDeliveryReports {
  save(report: DeadDeliveryReport): Promise<void>;
  list(limit: number): Promise<StoredDeadDeliveryReport[]>;
  /**
   * Marks the report resolved only if it is still the version that was read: a replayed report that failed
   * again meanwhile (saved anew under the same id) stays unresolved. Returns false in that case.
   */
  markResolved(report: StoredDeadDeliveryReport): Promise<boolean>;
}
