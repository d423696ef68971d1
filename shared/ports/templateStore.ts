import type { NewTemplateVersion, TemplateDocument } from "../domain/templates";

/** Template versions, kept per organisation; a version once created never changes except for retirement. */
export interface TemplateStore {
  /** Every version of the organisation's template with this name, oldest first (empty when none). */
  versions(creator: string, name: string): Promise<TemplateDocument[]>;
  /** The latest version of each of the organisation's templates, by name. */
  latestVersions(creator: string): Promise<TemplateDocument[]>;
  /** "exists" when that version was created meanwhile (a concurrent post): the caller reads and retries. */
  createVersion(version: NewTemplateVersion): Promise<"created" | "exists">;
  /** Under the ETag it was read with; a lost race is AppError "conflict". */
  retireVersion(version: TemplateDocument, retired: string): Promise<void>;
}
