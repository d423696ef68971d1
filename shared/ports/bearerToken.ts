/** A bearer token for an outbound call, fetched (or signed) when needed; the source caches as it sees fit. */
export type BearerTokenSource = () => Promise<string>;
