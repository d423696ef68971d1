import { z } from "zod";
import type { TemplateDocument } from "../../domain/templates";

const dateTime = z.string().meta({ format: "date-time" });
const emailText = z.object({ subject: z.string(), body: z.string() });
const smsText = z.object({ body: z.string() });

/** One version of a template as the API shows it (`POST future/templates`, and in the reads). */
export const templateViewSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  description: z.string().optional(),
  created: dateTime,
  retired: dateTime.optional().meta({ description: "When the template was retired; orders cannot name it." }),
  email: z
    .object({
      contentType: z.enum(["Plain", "Html"]),
      nb: emailText,
      nn: emailText.optional(),
      en: emailText.optional(),
    })
    .optional(),
  sms: z.object({ nb: smsText, nn: smsText.optional(), en: smsText.optional() }).optional(),
});
type TemplateView = z.infer<typeof templateViewSchema>;

/** `GET future/templates`: the latest version of each of the organisation's templates, retired ones too. */
export const templateListSchema = z.object({ templates: z.array(templateViewSchema) });

/** `GET future/templates/{name}` and `PUT …/retire`: every version, oldest first. */
export const templateVersionsSchema = z.object({
  name: z.string(),
  versions: z.array(templateViewSchema),
});

export function templateView(template: TemplateDocument): TemplateView {
  return {
    name: template.name,
    version: template.version,
    ...(template.description === undefined ? {} : { description: template.description }),
    created: template.created,
    ...(template.retired === undefined ? {} : { retired: template.retired }),
    ...(template.email === undefined
      ? {}
      : { email: { contentType: template.email.contentType, ...languagesOf(template.email) } }),
    ...(template.sms === undefined ? {} : { sms: languagesOf(template.sms) }),
  };
}

/** The texts per language, leaving out the languages the template lacks (as JSON would). */
function languagesOf<Text>(texts: { nb: Text; nn?: Text; en?: Text }): { nb: Text; nn?: Text; en?: Text } {
  return {
    nb: texts.nb,
    ...(texts.nn === undefined ? {} : { nn: texts.nn }),
    ...(texts.en === undefined ? {} : { en: texts.en }),
  };
}

export function templateVersionsView(versions: TemplateDocument[]): z.infer<typeof templateVersionsSchema> {
  return { name: versions[0]?.name ?? "", versions: versions.map(templateView) };
}
