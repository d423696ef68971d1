import type { LookupFunction } from "node:net";

/**
 * Makes a socket connect to the address the outbound guard checked instead of resolving the name again, so a
 * DNS answer that changes between check and connect (rebinding) cannot take the call elsewhere.
 */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
