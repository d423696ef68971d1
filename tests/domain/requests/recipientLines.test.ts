import { describe, expect, it } from "vitest";
import { recipientLineReader, splitCsvLine } from "../../../shared/domain/requests/recipientLines";
import { readLines, StreamTooLargeError, type BodyLine } from "../../../shared/http/lineReader";

async function linesOf(chunks: Array<string | number[]>, maxBytes = 1024, maxLineBytes = 64) {
  async function* body() {
    for (const chunk of chunks) yield typeof chunk === "string" ? Buffer.from(chunk) : Uint8Array.from(chunk);
  }
  const lines: BodyLine[] = [];
  for await (const line of readLines(body(), { maxBytes, maxLineBytes })) lines.push(line);
  return lines;
}

describe("reading a streamed part line by line", () => {
  it("ends lines at LF or CRLF, keeps line numbers across chunks and skips a byte-order mark", async () => {
    const lines = await linesOf([[0xef, 0xbb], [0xbf, 0x61, 0x0d], "\nb\n\nc", "d\r\n"]);
    expect(lines).toEqual([
      { number: 1, text: "a" },
      { number: 2, text: "b" },
      { number: 3, text: "" },
      { number: 4, text: "cd" },
    ]);
  });

  it("reports a line that is too long or not UTF-8 by its number, without keeping it", async () => {
    const lines = await linesOf([`ok\n${"x".repeat(100)}\n`, [0xc3, 0x28, 0x0a], "last"]);
    expect(lines).toEqual([
      { number: 1, text: "ok" },
      { number: 2, problem: "The line is longer than 64 bytes." },
      { number: 3, problem: "The line is not valid UTF-8." },
      { number: 4, text: "last" },
    ]);
  });

  it("stops with 413 once the body passes its cap", async () => {
    await expect(linesOf(["a\n".repeat(600)], 1000)).rejects.toBeInstanceOf(StreamTooLargeError);
  });
});

describe("recipient lines", () => {
  it("reads NDJSON objects, skips blank lines and refuses what is not an object", () => {
    const read = recipientLineReader("ndjson");
    expect(read('{"emailAddress":"a@example.com","note":null}')).toEqual({
      kind: "fields",
      fields: { emailAddress: "a@example.com" },
    });
    expect(read("  \t")).toEqual({ kind: "none" });
    expect(read("[1]")).toEqual({ kind: "problem", message: "The line must be a JSON object." });
    expect(read("{oops")).toMatchObject({ kind: "problem" });
  });

  it("reads CSV under its header: any column order and case, quoted fields, other columns ignored", () => {
    const read = recipientLineReader("csv");
    expect(read("Name,PHONENUMBER,emailAddress")).toEqual({ kind: "none" });
    expect(read('"Nordmann, Kari",,"kari@example.com"')).toEqual({
      kind: "fields",
      fields: { emailAddress: "kari@example.com" },
    });
    expect(read('x,"+47 987 65 432",')).toEqual({
      kind: "fields",
      fields: { phoneNumber: "+47 987 65 432" },
    });
    expect(read("a,b")).toEqual({ kind: "problem", message: "The row has 2 fields; the header has 3." });
  });

  it("splits CSV as RFC 4180 does on one line, and names what is wrong", () => {
    expect(splitCsvLine('a,"b,""c""",')).toEqual(["a", 'b,"c"', ""]);
    expect(splitCsvLine('"open')).toEqual({ problem: "A quoted field must end on the same line." });
    expect(splitCsvLine('"a"b')).toEqual({
      problem: "Only a comma may follow a closing quote (position 4).",
    });
    expect(splitCsvLine('a"b')).toEqual({
      problem: "A field with a double quote must be quoted as a whole.",
    });
  });

  it("refuses a CSV header without a recipient column once, not every row after it", () => {
    const read = recipientLineReader("csv");
    expect(read("name,address")).toMatchObject({ kind: "problem" });
    expect(read("Kari,kari@example.com")).toEqual({ kind: "none" });
  });
});
