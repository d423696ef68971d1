/**
 * `work` over every item, at most `limit` at once, results in the items' order. After one failure the
 * others stop taking items: the call rejects with that failure anyway.
 */
export async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const pending = items.entries();
  let failed = false;
  const worker = async () => {
    for (const [index, item] of pending) {
      if (failed) return;
      try {
        results[index] = await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Settles each waiting add with the outcome of `work` over its items; a failed batch of several goes again one
 * item at a time, so each add settles with its own item's outcome.
 */
async function settleWith<T>(batch: Array<Waiting<T>>, work: (items: T[]) => Promise<void>): Promise<void> {
  try {
    await work(batch.map((w) => w.item));
    for (const w of batch) w.resolve();
  } catch (error) {
    if (batch.length === 1) batch[0]?.reject(error);
    else for (const w of batch) await settleWith([w], work);
  }
}

/**
 * `work` over batches of the items added: an item added while a batch runs waits for it and goes in the next
 * batch, with every other item added meanwhile; a lone item goes at once. Each `add` settles when its batch
 * has. A batch of several that fails is done again one item at a time, so an item that fails fails only its
 * own add: `work` must be safe to repeat for the items of a failed batch.
 */
export function batchWhileBusy<T>(work: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let waiting: Array<Waiting<T>> = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      await settleWith(batch, work);
    }
    running = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
