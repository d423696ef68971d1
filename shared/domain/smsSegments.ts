/**
 * How many SMS segments a text takes, the way a handset and the gateway split it. A text in the GSM 03.38
 * alphabet (3GPP TS 23.038; Norwegian Æ Ø Å are in it) is sent in 7-bit septets: 160 in one SMS, 153 per
 * segment of a longer one (the rest of each holds the concatenation header), and an extension-table
 * character (€ [ ] { } ^ ~ | \ form feed) takes two septets that are never split. Any other character makes
 * the whole text UCS-2: 70 UTF-16 units in one SMS, 67 per segment, a surrogate pair never split.
 */

const basic =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const extension = "\f^{}\\[~]|€";
const basicSet = new Set(basic);
const extensionSet = new Set(extension);

/** The first character outside the GSM 7-bit alphabet, or undefined when the text is all in it. */
function firstNonGsm7Character(text: string): string | undefined {
  for (const character of text)
    if (!basicSet.has(character) && !extensionSet.has(character)) return character;
  return undefined;
}

export function isGsm7(text: string): boolean {
  return firstNonGsm7Character(text) === undefined;
}

interface SmsSegmentCount {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
}

/** Fills segments of `perSegment` units with characters of the given widths, never splitting one. */
function segmentsOf(widths: number[], single: number, perSegment: number): number {
  const total = widths.reduce((sum, width) => sum + width, 0);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > perSegment) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return segments;
}

export function countSmsSegments(text: string): SmsSegmentCount {
  const characters = [...text];
  if (isGsm7(text)) {
    const widths = characters.map((c) => (extensionSet.has(c) ? 2 : 1));
    return { encoding: "GSM-7", segments: segmentsOf(widths, 160, 153) };
  }
  return {
    encoding: "UCS-2",
    segments: segmentsOf(
      characters.map((c) => c.length),
      70,
      67,
    ),
  };
}

/**
 * The most segments an SMS body may take at intake: 16, as many as Altinn's gateway sends (it truncates
 * longer text), so no body is cut off silently. Keywords are replaced later and may lengthen it.
 */
export const maxSmsSegments = 16;

/** The 400 message for a body over the limit, naming the character that forced UCS-2 if one did. */
export function smsSegmentProblem(text: string): string | undefined {
  const { encoding, segments } = countSmsSegments(text);
  if (segments <= maxSmsSegments) return undefined;
  const why =
    encoding === "UCS-2"
      ? ` (UCS-2, 67 characters a segment, because '${firstNonGsm7Character(text) ?? ""}' is not in the GSM 7-bit alphabet)`
      : " (GSM 7-bit, 153 characters a segment)";
  return `The SMS body needs ${segments} segments${why}; at most ${maxSmsSegments} are allowed.`;
}
