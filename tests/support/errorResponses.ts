/**
 * The bodies of the error answers (4xx and 5xx) the end-to-end clients received in the running test file: the
 * error messages a client sees. tests/support/personalDataGuard.ts scans them as it scans what was printed.
 */
export const errorResponses: string[] = [];
