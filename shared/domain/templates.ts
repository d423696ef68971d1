import { z } from "zod";
import {
  boundedString,
  caseInsensitiveEnum,
  requiredText,
  smsBodyText,
  whenMissing,
} from "./requests/fields";
import { maxTextLength } from "./requests/limits";

/**
 * Named notification templates per organisation (docs/templates.md): email subject, body and content type
 * and SMS body, each in Bokmål, Nynorsk and English. Bokmål is required and is what a language the template
 * lacks falls back to. Every post of a name makes a new version; orders copy the texts at intake.
 */

export const templateLanguages = ["nb", "nn", "en"] as const;
export type TemplateLanguage = (typeof templateLanguages)[number];
const defaultTemplateLanguage: TemplateLanguage = "nb";

/** A template's name: what orders refer to, so letters, digits, `.`, `_` and `-` only (it sits in a URL). */
const maxTemplateNameLength = 100;
const templateNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const templateNameMessage =
  "The template name must start with a letter or digit and hold only letters, digits, '.', '_' and '-'.";

export function isTemplateName(text: string): boolean {
  return text.length <= maxTemplateNameLength && templateNamePattern.test(text);
}

const templateNameField = requiredText("The template name must not be empty.", {
  field: "name",
  max: maxTemplateNameLength,
})
  .refine((text) => text.trim() === "" || templateNamePattern.test(text), templateNameMessage)
  .meta({ pattern: templateNamePattern.source });

const emailTextShape = {
  subject: requiredText("The email subject must not be empty.", {
    field: "subject",
    max: maxTextLength.emailSubject,
  }),
  body: requiredText("The email body must not be empty.", { field: "body", max: maxTextLength.emailBody }),
};
const smsTextShape = { body: smsBodyText("SMS body cannot be null or empty.") };
const emailTextSchema = z.object(emailTextShape);
const smsTextSchema = z.object(smsTextShape);

/** One text per language: nb required, nn and en optional (nb is sent in their place). */
function perLanguage<Shape extends z.ZodRawShape>(shape: Shape, missingNb: string) {
  return {
    nb: z.object(shape, whenMissing(missingNb)),
    nn: z.object(shape).optional(),
    en: z.object(shape).optional(),
  };
}

const templateEmailSchema = z
  .object({
    contentType: caseInsensitiveEnum(
      ["Plain", "Html"],
      "Email content type must be either Plain or HTML.",
    ).default("Plain"),
    ...perLanguage(emailTextShape, "The Bokmål (nb) email text is required."),
  })
  .meta({ description: "The email: content type, and subject and body per language (nb required)." });

const templateSmsSchema = z
  .object(perLanguage(smsTextShape, "The Bokmål (nb) SMS text is required."))
  .meta({ description: "The SMS body per language (nb required), each within the segment limit." });

/** `POST future/templates`: a new template, or a new version of one with this name. */
export const templateRequestSchema = z
  .object({
    name: templateNameField,
    description: boundedString({ field: "description", max: 1000 }).optional(),
    email: templateEmailSchema.optional(),
    sms: templateSmsSchema.optional(),
  })
  .superRefine((template, ctx) => {
    if (template.email === undefined && template.sms === undefined) {
      ctx.addIssue({ code: "custom", message: "A template needs an email, an SMS or both." });
    }
  })
  .meta({
    description:
      "POST future/templates: a named template. Posting an existing name makes its next version; orders name it instead of inline texts.",
  });
export type TemplateRequest = z.output<typeof templateRequestSchema>;

/** One version of a template as stored in the `orders` container, in its organisation's partition. */
export const templateDocumentSchema = z.object({
  id: z.uuid(),
  pk: z.string(),
  docType: z.literal("template"),
  creator: z.string(),
  name: z.string(),
  version: z.number().int().min(1),
  description: z.string().optional(),
  created: z.iso.datetime({ offset: true }),
  /** When the template (all its versions) was retired: orders can no longer name it. */
  retired: z.iso.datetime({ offset: true }).optional(),
  email: z
    .object({
      contentType: z.enum(["Plain", "Html"]),
      nb: emailTextSchema,
      nn: emailTextSchema.optional(),
      en: emailTextSchema.optional(),
    })
    .optional(),
  sms: z.object({ nb: smsTextSchema, nn: smsTextSchema.optional(), en: smsTextSchema.optional() }).optional(),
  _etag: z.string().optional(),
});
export type TemplateDocument = z.infer<typeof templateDocumentSchema>;
export type NewTemplateVersion = Omit<TemplateDocument, "id" | "pk" | "docType" | "_etag">;

/** The partition of an organisation's templates (the orders' own partitions are their uuids). */
export function templatePartition(creator: string): string {
  return `template:${creator}`;
}

/** A language as the register or a client writes it (`NB`, `nb-NO`, `no`), or undefined if not one of ours. */
export function templateLanguageOf(text: string | undefined): TemplateLanguage | undefined {
  const primary = text?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === "no" || primary === "nob") return "nb";
  if (primary === "nno") return "nn";
  if (primary === "eng") return "en";
  return templateLanguages.find((language) => language === primary);
}

/**
 * The language a recipient gets: the order's, else the recipient's preferred language from the register,
 * else Bokmål; then the text in that language if the template has it, else Bokmål's.
 */
export function chooseLanguage(
  requested: TemplateLanguage | undefined,
  preferred: string | undefined,
): TemplateLanguage {
  return requested ?? templateLanguageOf(preferred) ?? defaultTemplateLanguage;
}

/** `template` in an order's recipient: which template, optionally which version and language. */
export const templateReferenceSchema = z
  .object({
    name: templateNameField,
    version: z.number().int().min(1, { error: "The template version must be 1 or more." }).optional(),
    language: caseInsensitiveEnum(templateLanguages, "The language must be nb, nn or en.").optional(),
  })
  .meta({
    description:
      "varsel extension. A template instead of inline texts: its latest version unless one is given; the language given, else the recipient's preferred language in the contact register, else nb.",
  });
export type TemplateReference = z.output<typeof templateReferenceSchema>;
