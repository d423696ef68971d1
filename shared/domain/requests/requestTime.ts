/**
 * The instant a request counts as received, for the rules that compare against "now" (send times) and for
 * the default send time. The request schemas are built once and exported as constants (so they can be
 * exported to JSON Schema), and zod gives refinements no parse context; so `validate()` binds the request's
 * time here for the duration of one synchronous parse. Outside `validate()` the wall clock is used.
 */
let boundRequestTime: Date | undefined;

export function currentRequestTime(): Date {
  return boundRequestTime ?? new Date();
}

/** Runs `parse` (which must be synchronous) with `now` as the request time. */
export function atRequestTime<R>(now: Date, parse: () => R): R {
  const previous = boundRequestTime;
  boundRequestTime = now;
  try {
    return parse();
  } finally {
    boundRequestTime = previous;
  }
}
