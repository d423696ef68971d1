/**
 * GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table. PSWin's default message type
 * accepts only these characters (Norwegian Æ Ø Å æ ø å are among them); anything else must be sent as a
 * Unicode message, whose text is hex-encoded UCS-2.
 */
const basic =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const extension = "\f^{}\\[~]|€";
const gsm7 = new Set([...basic, ...extension]);

export function isGsm7(text: string): boolean {
  for (const character of text) if (!gsm7.has(character)) return false;
  return true;
}

/** UTF-16BE as hex, which is what PSWin expects in TEXT for message type 9 (Unicode). */
export function ucs2Hex(text: string): string {
  const bytes = Buffer.from(text, "utf16le");
  bytes.swap16();
  return bytes.toString("hex");
}
