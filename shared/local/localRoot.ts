import { AcsEmailSender } from "../adapters/acs/acsEmailSender";
import { BlobAttachmentSource } from "../adapters/http/blobAttachmentSource";
import { HttpSendConditionChecker } from "../adapters/http/sendConditionClient";
import { localOutboundPolicy } from "../adapters/http/ssrfGuard";
import { HttpWebhookPoster } from "../adapters/http/webhookClient";
import { assembleDependencies } from "../app/assembleDependencies";
import type { Dependencies } from "../app/dependencies";
import type { LocalSettings } from "../config/settings";
import { sendingAttachments } from "../usecases/steps/sendingAttachments";
import type { LocalRuntime } from "./localRuntime";

/**
 * The local composition root: the local host's broker and clock, access keys instead of a managed identity,
 * and http and loopback allowed, since every stand-in (Azurite, the ACS fake, a condition endpoint under
 * test) listens on this machine.
 */
export function localRoot(config: LocalSettings, runtime: LocalRuntime): Dependencies {
  return assembleDependencies(config, {
    cosmos: runtime.cosmos,
    link: runtime.link,
    clock: runtime.clock,
    publisher: runtime.publisher,
    emailSender: sendingAttachments(
      new AcsEmailSender({ ...runtime.acs, allowInsecureConnection: true }),
      new BlobAttachmentSource(localOutboundPolicy),
    ),
    conditions: new HttpSendConditionChecker({ ...localOutboundPolicy, bearerToken: runtime.conditionToken }),
    webhookPoster: new HttpWebhookPoster(localOutboundPolicy),
  });
}
