import { DefaultAzureCredential } from "@azure/identity";
import { AcsEmailSender } from "../adapters/acs/acsEmailSender";
import { BlobAttachmentSource } from "../adapters/http/blobAttachmentSource";
import { HttpSendConditionChecker } from "../adapters/http/sendConditionClient";
import { hostedOutboundPolicy } from "../adapters/http/ssrfGuard";
import { HttpWebhookPoster } from "../adapters/http/webhookClient";
import { entraTokenSource } from "../adapters/identity/entraTokenSource";
import { ServiceBusPublisher } from "../adapters/servicebus/serviceBusPublisher";
import type { AzureSettings } from "../config/settings";
import { systemClock } from "../ports/clock";
import { sendingAttachments } from "../usecases/steps/sendingAttachments";
import { assembleDependencies } from "./assembleDependencies";
import type { Dependencies } from "./dependencies";

/**
 * The Azure composition root. Every client authenticates as the app's user-assigned managed identity (no
 * secrets), and outbound calls to addresses service owners give go to public https hosts only.
 */
export function azureRoot(config: AzureSettings): Dependencies {
  const credential = new DefaultAzureCredential({ managedIdentityClientId: config.AZURE_CLIENT_ID });
  const audience = config.SEND_CONDITION_TOKEN_AUDIENCE;
  return assembleDependencies(config, {
    cosmos: { endpoint: config.COSMOS_ENDPOINT, key: config.COSMOS_KEY },
    link: { url: config.LINK_GATEWAY_URL, username: config.LINK_USERNAME, password: config.LINK_PASSWORD },
    clock: systemClock,
    publisher: new ServiceBusPublisher(config.ServiceBusConnection__fullyQualifiedNamespace, credential),
    emailSender: sendingAttachments(
      new AcsEmailSender({ endpoint: config.ACS_EMAIL_ENDPOINT, credential }),
      new BlobAttachmentSource(hostedOutboundPolicy),
    ),
    conditions: new HttpSendConditionChecker({
      ...hostedOutboundPolicy,
      bearerToken: audience ? entraTokenSource(credential, audience) : undefined,
    }),
    webhookPoster: new HttpWebhookPoster(hostedOutboundPolicy),
  });
}
