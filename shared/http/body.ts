import type { HttpRequest } from "@azure/functions";
import { AppError } from "../errors";

export const maxBodyBytes = 1024 * 1024;

/** Reads a JSON request body, refusing bodies over 1 MiB (413) and malformed JSON (400). */
export async function readJsonBody(request: HttpRequest): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw new PayloadTooLargeError();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.byteLength > maxBodyBytes) throw new PayloadTooLargeError();
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    throw new AppError("validation", "The request body is empty.", {
      errors: { "": ["A non-empty request body is required."] },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError("validation", "The request body is not valid JSON.", {
      errors: { $: [`The request body is not valid JSON: ${(error as Error).message}`] },
    });
  }
}

export class PayloadTooLargeError extends Error {
  constructor() {
    super(`The request body exceeds ${maxBodyBytes} bytes.`);
  }
}
