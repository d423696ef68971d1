import type { Container } from "@azure/cosmos";
import { AppError } from "../../errors";
import { mapCosmosError } from "./errors";

/**
 * Replaces a document only if it still carries the ETag it was read with; a lost race surfaces as
 * AppError "conflict". A document read without an ETag is refused: the change could overwrite a concurrent one.
 */
export async function replaceIfUnchanged(
  container: Container,
  document: { id: string; _etag?: string },
  partitionKey: string,
  changes: object,
  what: string,
): Promise<unknown> {
  const { _etag, ...current } = document;
  if (!_etag) throw new AppError("permanent", `${what}: the document was read without an ETag`);
  try {
    const { resource } = await container
      .item(document.id, partitionKey)
      .replace({ ...current, ...changes }, { accessCondition: { type: "IfMatch", condition: _etag } });
    return resource;
  } catch (error) {
    throw mapCosmosError(error, what);
  }
}
