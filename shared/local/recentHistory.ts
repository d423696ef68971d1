/**
 * What a local provider fake remembers of its requests, for tests and the local page: the latest ones, never a
 * population-wide order's worth (a fake that kept every request made the service's memory grow with volume).
 */
const capacity = 10_000;

/** Appends `items`; once the list holds twice the capacity, drops all but the latest (no shift per item). */
export function appendRecent<T>(list: T[], items: readonly T[]): void {
  list.push(...items);
  if (list.length > 2 * capacity) list.splice(0, list.length - capacity);
}

/** Sets `key`, then drops the oldest entries beyond the capacity (a Map iterates in insertion order). */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= capacity) break;
    map.delete(oldest);
  }
}
