import type { Container } from "@azure/cosmos";
import { deterministicId } from "../../domain/deterministicIds";
import {
  templateDocumentSchema,
  templatePartition,
  type NewTemplateVersion,
  type TemplateDocument,
} from "../../domain/templates";
import type { TemplateStore } from "../../ports/templateStore";
import { isCosmosStatus, mapCosmosError } from "./errors";
import { replaceIfUnchanged } from "./replaceIfUnchanged";

/** The namespace of template version ids: one id per (organisation, name, version), so a race creates one. */
const templateIdNamespace = "3d1c7a52-8a6e-4f0b-b1d4-5e2f9c7a0b61";

function templateVersionId(creator: string, name: string, version: number): string {
  return deterministicId(templateIdNamespace, `${creator}\n${name}\n${version}`);
}

/**
 * Template versions in the `orders` container (`docType: "template"`), one partition per organisation, so
 * every read here is a single-partition query and another organisation's templates are never in reach.
 */
export class CosmosTemplateStore implements TemplateStore {
  constructor(private readonly container: Container) {}

  versions(creator: string, name: string): Promise<TemplateDocument[]> {
    return this.query(
      creator,
      "SELECT * FROM c WHERE c.docType = 'template' AND c.pk = @partition AND c.name = @name ORDER BY c.version ASC",
      [{ name: "@name", value: name }],
    );
  }

  async latestVersions(creator: string): Promise<TemplateDocument[]> {
    const all = await this.query(
      creator,
      "SELECT * FROM c WHERE c.docType = 'template' AND c.pk = @partition",
      [],
    );
    const latest = new Map<string, TemplateDocument>();
    for (const version of all) {
      const seen = latest.get(version.name);
      if (!seen || seen.version < version.version) latest.set(version.name, version);
    }
    return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async createVersion(version: NewTemplateVersion): Promise<"created" | "exists"> {
    const document: TemplateDocument = {
      ...version,
      id: templateVersionId(version.creator, version.name, version.version),
      pk: templatePartition(version.creator),
      docType: "template",
    };
    try {
      await this.container.items.create(document);
      return "created";
    } catch (error) {
      if (isCosmosStatus(error, 409)) return "exists";
      throw mapCosmosError(error, "create template version");
    }
  }

  async retireVersion(version: TemplateDocument, retired: string): Promise<void> {
    await replaceIfUnchanged(this.container, version, version.pk, { retired }, "retire template version");
  }

  /** A query of the organisation's partition (`@partition`, named in the query too, so any engine keeps to it). */
  private async query(
    creator: string,
    query: string,
    parameters: Array<{ name: string; value: string }>,
  ): Promise<TemplateDocument[]> {
    const partition = templatePartition(creator);
    try {
      const { resources } = await this.container.items
        .query<unknown>(
          { query, parameters: [...parameters, { name: "@partition", value: partition }] },
          { partitionKey: partition },
        )
        .fetchAll();
      return resources.map((resource) => templateDocumentSchema.parse(resource));
    } catch (error) {
      throw mapCosmosError(error, "query templates");
    }
  }
}
