import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { installedLocalTelemetry as InstalledLocalTelemetry } from "../../shared/telemetry/localTelemetry";
import { errorResponses } from "./errorResponses";
import { findPersonalData } from "./personalData";
import { captureProcessOutput, leaksIn, personalDataIn, type OutputCapture } from "./personalDataScan";

/**
 * Every end-to-end file (`*.e2e.test.ts`) runs under this guard (vitest `setupFiles`): everything it printed —
 * the local host's function logs, error messages, console output —, every span its services recorded (names,
 * attributes, events, status messages) and the error answers its clients got may
 * hold no national identity number, phone number or email address. Two scans: the values the end-to-end sources and the sample register hold
 * (however printed), and anything that looks like one (generated recipients too). A new suite is covered
 * without doing anything; a leak fails the file.
 */

const projectRoot = join(__dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|json)$/.test(entry.name) ? [readFileSync(path, "utf8")] : [];
  });
}

/** The personal data the end-to-end suites send or look up: their sources, the support code, the sample register. */
function usedPersonalData(): string[] {
  return personalDataIn([
    ...sources(join(projectRoot, "tests", "e2e")),
    ...sources(join(projectRoot, "tests", "support")),
    readFileSync(join(projectRoot, "shared", "local", "sampleRegistry.json"), "utf8"),
  ]);
}

/** What was printed that names a person: the values used, and anything shaped like one. */
export function personalDataPrinted(text: string, used: readonly string[]): string[] {
  const found = new Set(leaksIn(text, used));
  for (const finding of findPersonalData(text, "output"))
    found.add(finding.kind === "email address" ? finding.value.toLowerCase() : finding.value);
  return [...found];
}

/**
 * The spans this process recorded, as an exporter would send them to Application Insights (names, attributes,
 * status messages, events). Read from the compiled local telemetry the services install (the journal keeps the
 * latest 10,000), without installing it here: installing would take the process's global providers from a
 * test that registers its own.
 */
function recordedSpans(): string {
  const compiled: { installedLocalTelemetry: typeof InstalledLocalTelemetry } = createRequire(__filename)(
    join(projectRoot, "dist", "shared", "telemetry", "localTelemetry.js"),
  );
  const spans = compiled.installedLocalTelemetry()?.journal.all() ?? [];
  return spans
    .map((span) =>
      JSON.stringify([
        span.name,
        span.attributes,
        span.status.message,
        span.events.map((e) => [e.name, e.attributes]),
      ]),
    )
    .join("\n");
}

let capture: OutputCapture | undefined;

beforeAll(() => {
  errorResponses.length = 0;
  if (/\.e2e\.test\.ts$/.test(expect.getState().testPath ?? "")) capture = captureProcessOutput();
});

afterAll(() => {
  if (!capture) return;
  // What was printed, and the error answers the suite's clients received (problem documents' messages).
  const text = `${capture.text()}\n${errorResponses.join("\n")}\n${recordedSpans()}`;
  capture.stop();
  capture = undefined;
  const printed = personalDataPrinted(text, usedPersonalData());
  // The values are the suites' own fixtures, named so the line that printed them can be found.
  if (printed.length > 0)
    throw new Error(`the end-to-end run printed personal data (${printed.length}): ${printed.join(", ")}`);
});
