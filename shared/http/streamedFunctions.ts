/**
 * HTTP functions that read their request body as a stream. On Azure, `app.setup({ enableHttpStream: true })`
 * (functions/bulkOrders.ts) streams every body, and the other handlers read theirs whole with their own cap;
 * the local host streams only these and keeps its buffered path, with its cap, for the rest.
 */
export const streamedHttpFunctions: ReadonlySet<string> = new Set(["uploadBulkRecipients"]);
