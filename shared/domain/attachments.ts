import { z } from "zod";

/**
 * Email attachments referenced by SAS URL (Altinn's composed email): the caller uploads a file to Azure Blob
 * Storage and sends a read SAS; varsel downloads it when the email is sent. The rules are Altinn's
 * `SasFileReferenceRules`; a SAS URL is a bearer secret and is never logged nor quoted in a problem.
 */

/** An attachment as stored on the order and its notification. */
export const attachmentReferenceSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  sasUrl: z.string(),
});
export type AttachmentReference = z.infer<typeof attachmentReferenceSchema>;

/**
 * The most attachment bytes one email may carry, all files together. ACS refuses a message over 10 MiB, and
 * an attachment travels base64-encoded (4/3 of its size): 7 MiB of files is 9.33 MiB encoded, leaving room for
 * the largest body we accept. Downloads stop the moment the total passes this.
 */
export const maxAttachmentBytes = 7 * 1024 * 1024;

/** Altinn's list: the MIME types ACS accepts for email attachments (compared ignoring case). */
const allowedMimeTypes = new Set(
  [
    "video/3gpp",
    "video/3gpp2",
    "application/x-7z-compressed",
    "audio/aac",
    "video/x-msvideo",
    "image/bmp",
    "text/csv",
    "application/msword",
    "application/vnd.ms-word.document.macroEnabled.12",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-fontobject",
    "application/epub+zip",
    "image/gif",
    "application/gzip",
    "image/vnd.microsoft.icon",
    "text/calendar",
    "image/jpeg",
    "application/json",
    "audio/midi",
    "audio/mpeg",
    "video/mp4",
    "video/mpeg",
    "audio/ogg",
    "video/ogg",
    "application/ogg",
    "application/onenote",
    "audio/opus",
    "font/otf",
    "application/pdf",
    "image/png",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.12",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.ms-publisher",
    "application/x-rar-compressed",
    "application/vnd.ms-outlook",
    "application/rtf",
    "image/svg+xml",
    "application/x-tar",
    "image/tiff",
    "font/ttf",
    "text/plain",
    "application/vnd.visio",
    "audio/wav",
    "audio/webm",
    "video/webm",
    "image/webp",
    "audio/x-ms-wma",
    "video/x-ms-wmv",
    "font/woff",
    "font/woff2",
    "application/vnd.ms-excel",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
    "application/vnd.ms-excel.sheet.macroEnabled.12",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/xml",
    "text/xml",
    "application/zip",
  ].map((type) => type.toLowerCase()),
);

export function isAllowedMimeType(mimeType: string): boolean {
  return allowedMimeTypes.has(mimeType.toLowerCase());
}

/** No path separator, and an extension of at least one character (.NET's `Path.GetExtension(f).Length > 1`). */
export function isValidFilename(filename: string): boolean {
  if (filename.includes("/") || filename.includes("\\")) return false;
  const dot = filename.lastIndexOf(".");
  return dot >= 0 && dot < filename.length - 1;
}

/** A query parameter as .NET's `ParseQueryString` reads it: names ignoring case, repeated values joined by commas. */
function sasParameter(url: URL, name: string): string | undefined {
  const values = [...url.searchParams].filter(([key]) => key.toLowerCase() === name).map(([, v]) => v);
  return values.length > 0 ? values.join(",") : undefined;
}

const present = (value: string | undefined) => value !== undefined && value.trim() !== "";

/** `se`, `sp`, `sig` present and the SAS scoped to one blob (`sr=b`). */
export function hasRequiredSasParameters(url: URL): boolean {
  return (
    present(sasParameter(url, "se")) &&
    present(sasParameter(url, "sp")) &&
    present(sasParameter(url, "sig")) &&
    sasParameter(url, "sr")?.toLowerCase() === "b"
  );
}

export function hasReadPermission(url: URL): boolean {
  return sasParameter(url, "sp")?.includes("r") ?? false;
}

const isoDateOrTime = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The signed expiry (`se`) in ms, or undefined when absent or unreadable. A time without zone counts as UTC. */
export function sasExpiryMs(url: URL): number | undefined {
  const text = sasParameter(url, "se")?.trim();
  if (!text || !isoDateOrTime.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const withZone = text.length > 10 && !hasZone ? `${text.replace(" ", "T")}Z` : text.replace(" ", "T");
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How long a SAS must outlive the requested send time (Altinn's rule). */
export const minimumSasValidityAfterSendMs = 15 * 60 * 1000;

/** The blob storage origins a SAS URL may point at besides Azure's: locally, Azurite's endpoint. */
export interface BlobOriginPolicy {
  /** E.g. `http://127.0.0.1:10000/devstoreaccount1`; a URL below it skips the https and host rules. */
  localBlobEndpoint?: string;
}

export function isLocalBlobUrl(url: URL, policy: BlobOriginPolicy): boolean {
  const endpoint = policy.localBlobEndpoint?.replace(/\/+$/, "");
  return endpoint !== undefined && endpoint !== "" && url.href.startsWith(`${endpoint}/`);
}

export function isAzureBlobStorageHost(url: URL): boolean {
  return url.hostname.toLowerCase().endsWith(".blob.core.windows.net");
}
