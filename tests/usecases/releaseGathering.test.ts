import { describe, expect, it } from "vitest";
import type { OrderDocument } from "../../shared/domain/order";
import type { QueueKey } from "../../shared/platform/resources";
import type { OutgoingMessage, Publisher } from "../../shared/ports/publisher";
import { ReleaseGathering } from "../../shared/usecases/steps/releaseGathering";
import { sampleOrder } from "../support/orders";

/** A broker whose publishes are answered by the test, one at a time, in the order they came. */
class HeldPublisher implements Publisher {
  readonly calls: Array<{ queue: QueueKey; messages: OutgoingMessage[]; answer(error?: Error): void }> = [];
  publish(queue: QueueKey, messages: OutgoingMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.calls.push({ queue, messages, answer: (error) => (error ? reject(error) : resolve()) });
    });
  }
}

const order = (): OrderDocument => ({ ...sampleOrder(), pk: "", docType: "order" });
const settled = (promise: Promise<void>) =>
  promise.then(
    () => "published",
    (error: Error) => error.message,
  );
/** Lets the gathering take its next step (each is a promise continuation). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ReleaseGathering: orders released at intake", () => {
  it("publishes a lone request's order at once, in a message of its own", async () => {
    const publisher = new HeldPublisher();
    const [a] = [order()];
    const released = settled(new ReleaseGathering(publisher).publish([a]));
    await turn();
    expect(publisher.calls.map((c) => c.messages.map((m) => m.body))).toEqual([[{ orderId: a.id }]]);
    publisher.calls[0]?.answer();
    expect(await released).toBe("published");
  });

  it("sends the orders of requests that arrive while a publish is in flight in one message, and answers each request when its orders are out", async () => {
    const publisher = new HeldPublisher();
    const gathering = new ReleaseGathering(publisher);
    const [a, b, c, d] = [order(), order(), order(), order()];
    const first = settled(gathering.publish([a]));
    await turn();
    const later = [settled(gathering.publish([b])), settled(gathering.publish([c, d]))];
    await turn();
    expect(publisher.calls).toHaveLength(1);
    publisher.calls[0]?.answer();
    expect(await first).toBe("published");
    await turn();
    expect(publisher.calls.map((call) => call.messages.map((m) => m.body))).toEqual([
      [{ orderId: a.id }],
      [{ orderIds: [b.id, c.id, d.id] }],
    ]);
    publisher.calls[1]?.answer();
    expect(await Promise.all(later)).toEqual(["published", "published"]);
  });

  it("fails only the requests whose orders a failed publish carried; the next ones are still published", async () => {
    const publisher = new HeldPublisher();
    const gathering = new ReleaseGathering(publisher);
    const [a, b] = [order(), order()];
    const first = settled(gathering.publish([a]));
    await turn();
    const second = settled(gathering.publish([b]));
    publisher.calls[0]?.answer(new Error("broker unavailable"));
    expect(await first).toBe("broker unavailable");
    await turn();
    publisher.calls[1]?.answer();
    expect(await second).toBe("published");
    expect(publisher.calls[1]?.messages.map((m) => m.body)).toEqual([{ orderId: b.id }]);
  });
});
