/** UTF-16BE as hex, which is what PSWin expects in TEXT for message type 9 (Unicode). */
export function ucs2Hex(text: string): string {
  const bytes = Buffer.from(text, "utf16le");
  bytes.swap16();
  return bytes.toString("hex");
}
