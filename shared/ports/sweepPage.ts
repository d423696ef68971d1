/** A stored document that fails its schema: it is set aside and reported, never allowed to stop a sweep. */
export interface UnreadableDocument {
  id: string;
  partitionKey: string;
  problem: string;
}

/** The documents one sweep query found: the readable ones, and the ones that failed their schema. */
export interface SweepPage<T> {
  documents: T[];
  unreadable: UnreadableDocument[];
}
