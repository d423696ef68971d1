import { maxAttachmentBytes } from "../../domain/attachments";
import type { AttachmentSource } from "../../ports/attachmentSource";
import type { EmailSender, FileEmailSender } from "../../ports/emailSender";

/**
 * An email sender that reads a message's attachments when it is sent (never at intake: a SAS URL may name a
 * file the owner uploads later) and hands them to the provider with the message. A file that cannot be read
 * (a 4xx: expired, revoked, deleted) fails the email as `Failed_InvalidSasUrl`, files over the size budget as
 * `Failed_PayloadTooLarge`, both before the provider is called; a failure that may pass is thrown, so the
 * send is retried and the files read again.
 */
export function sendingAttachments(provider: FileEmailSender, source: AttachmentSource): EmailSender {
  return {
    async send(message) {
      const references = message.attachments ?? [];
      if (references.length === 0) return provider.sendWithFiles(message, []);
      const read = await source.fetchAll(references, maxAttachmentBytes);
      if (read.outcome === "failed") return { outcome: "failed", result: read.result };
      return provider.sendWithFiles(message, read.attachments);
    },
  };
}
