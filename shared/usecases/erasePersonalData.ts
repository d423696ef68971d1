import type { ErasureReport, PersonalDataErasure } from "../ports/personalDataErasure";

/**
 * An operator's erasure of one person (GDPR art. 17): everything stored about the national identity number
 * is deleted or anonymised. Only counts and order ids are returned and logged, never the number itself.
 * The register copy is a copy: the person comes back with the next snapshot unless the source erased them.
 */
export function erasePersonalData(
  deps: { erasure: PersonalDataErasure },
  nationalIdentityNumber: string,
): Promise<ErasureReport> {
  return deps.erasure.erase(nationalIdentityNumber);
}
