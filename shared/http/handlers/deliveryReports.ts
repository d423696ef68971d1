import { createHash, timingSafeEqual } from "node:crypto";
import { acceptDeliveryReport } from "../../usecases/acceptDeliveryReport";
import { deliveryReportAcknowledgementXml, parseDeliveryReportXml } from "../../adapters/link/pswinReport";
import { AppError } from "../../errors";
import { checkContentType, firstInvalidUtf8Byte, maxBodyBytes, PayloadTooLargeError } from "../body";
import { openEndpointWithDependencies } from "../endpoint";

/** What LINK posts (Altinn's receiver takes application/xml and text/plain). */
const reportContentTypes = ["application/xml", "text/xml", "text/plain"] as const;

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

function checkBasicAuth(
  header: string | null,
  username: string | undefined,
  password: string | undefined,
): void {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  const [user, ...rest] = match?.[1] ? Buffer.from(match[1], "base64").toString("utf8").split(":") : [];
  const ok =
    username !== undefined &&
    password !== undefined &&
    user !== undefined &&
    sameSecret(user, username) &&
    sameSecret(rest.join(":"), password);
  if (!ok) throw new AppError("unauthorized", "Delivery reports require the gateway's credentials.");
}

/** `POST delivery-reports/sms`: LINK posts delivery reports here (Basic auth); each is applied at once. */
export const receiveSmsDeliveryReport = openEndpointWithDependencies(async (request, deps) => {
  checkBasicAuth(
    request.headers.get("authorization"),
    deps.settings.LINK_REPORT_USERNAME,
    deps.settings.LINK_REPORT_PASSWORD,
  );
  // Any charset, as ASP.NET's [Consumes] matches it: the gateway's reports are ASCII, and the bytes must be
  // UTF-8 below whatever the header says.
  checkContentType(request.headers.get("content-type"), reportContentTypes, { anyCharset: true });
  if (Number(request.headers.get("content-length") ?? "0") > maxBodyBytes) throw new PayloadTooLargeError();
  const body = Buffer.from(await request.arrayBuffer());
  if (body.byteLength > maxBodyBytes) throw new PayloadTooLargeError();
  const invalidAt = firstInvalidUtf8Byte(body);
  if (invalidAt >= 0) {
    throw new AppError("validation", "The body is not UTF-8.", {
      errors: { "": [`The body is not valid UTF-8 (byte ${invalidAt}).`] },
    });
  }
  const text = body.toString("utf8");
  let ids: string[];
  try {
    ids = parseDeliveryReportXml(text).map((m) => m.id);
  } catch {
    throw new AppError("validation", "The body is not a LINK delivery report.", {
      errors: { "": ["The body must be a PSWin delivery report (MSGLST)."] },
    });
  }
  // Applied before LINK gets its 200; a store failure answers 5xx and LINK posts it again.
  await acceptDeliveryReport(deps, {
    provider: "link",
    contentType: request.headers.get("content-type") ?? undefined,
    payload: text,
  });
  return {
    status: 200,
    headers: { "content-type": "application/xml; charset=utf-8" },
    body: deliveryReportAcknowledgementXml(ids),
  };
});
