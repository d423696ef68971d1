import type { Clock } from "../../shared/ports/clock";

/** A clock that moves only when a test moves it. */
export class ManualClock implements Clock {
  private currentMs: number;

  constructor(start = "2025-01-01T00:00:00.000Z") {
    this.currentMs = Date.parse(start);
  }

  now(): Date {
    return new Date(this.currentMs);
  }

  advance(milliseconds: number): void {
    this.currentMs += milliseconds;
  }
}

export const testQueues = {
  processOrder: {
    name: "process-order",
    lockDuration: "PT1M",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  sendEmail: {
    name: "send-email",
    lockDuration: "PT30S",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  sendSms: {
    name: "send-sms",
    lockDuration: "PT30S",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  processOrderBulk: {
    name: "process-order-bulk",
    lockDuration: "PT1M",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  sendEmailBulk: {
    name: "send-email-bulk",
    lockDuration: "PT30S",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  sendSmsBulk: {
    name: "send-sms-bulk",
    lockDuration: "PT30S",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT10M",
  },
  deliveryReports: {
    name: "delivery-reports",
    lockDuration: "PT1M",
    maxDeliveryCount: 3,
    duplicateDetectionWindow: "PT1M",
  },
};

/** A promise a test resolves by hand, to hold a handler in flight. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
