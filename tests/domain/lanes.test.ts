import { describe, expect, it } from "vitest";
import { laneOf, maxPriorityLaneRecipients, processQueueOf, sendQueueOf } from "../../shared/domain/lanes";
import { queues } from "../../shared/platform/resources";

const recipients = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ emailAddress: `person${i}@example.com` }));

describe("the lane of an order", () => {
  it("keeps an instant order, a single order and an order of up to 100 recipients in the priority lane", () => {
    expect(laneOf({ recipients: recipients(1) })).toBe("priority");
    expect(laneOf({ recipients: recipients(maxPriorityLaneRecipients) })).toBe("priority");
  });

  it("puts an order of more than 100 recipients, or one whose recipients are kept beside it, in the bulk lane", () => {
    expect(laneOf({ recipients: recipients(maxPriorityLaneRecipients + 1) })).toBe("bulk");
    expect(laneOf({ recipients: [], recipientCount: 100_000 })).toBe("bulk");
    expect(laneOf({ recipients: [], recipientCount: 3 })).toBe("bulk");
  });

  it("names a queue of its own for each lane's process messages and each lane's sends per channel", () => {
    const named = (key: keyof typeof queues) => queues[key].name;
    expect(named(processQueueOf("priority"))).toBe("process-order");
    expect(named(sendQueueOf("priority", "email"))).toBe("send-email");
    expect(named(sendQueueOf("priority", "sms"))).toBe("send-sms");
    expect(named(processQueueOf("bulk"))).toBe("process-order-bulk");
    expect(named(sendQueueOf("bulk", "email"))).toBe("send-email-bulk");
    expect(named(sendQueueOf("bulk", "sms"))).toBe("send-sms-bulk");
  });
});
