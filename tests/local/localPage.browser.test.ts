import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalService } from "../../shared/local/localService";
import { apiClient, localToken, startCompiledService, type ApiClient } from "../support/localService";

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
/** Monday 23 November 2026, 10:00 in Oslo: inside the daytime window. */
const monday10 = "2026-11-23T09:00:00.000Z";

let service: LocalService;
let api: ApiClient;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
  }
  service = await startCompiledService();
  service.clock.freeze(monday10);
  api = apiClient(service.host.apiUrl, await localToken("991825827"));
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${service.host.url}/local/`);
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function order(idempotencyId: string, recipient: unknown): Promise<string> {
  const response = await api.request("POST", "/future/orders", {
    idempotencyId,
    sendersReference: `page-${idempotencyId}`,
    recipient,
  });
  expect(response.status, response.text).toBe(201);
  return (response.body as { notification: { shipmentId: string } }).notification.shipmentId;
}

describe("the local page in a browser", () => {
  let emailOrder: string;
  let smsOrder: string;

  it("shows each order's status timeline, updating while the pipeline runs", async () => {
    emailOrder = await order("html", {
      recipientEmail: {
        emailAddress: "reader@example.net",
        emailSettings: {
          subject: "Your letter",
          body: "<h1>Dear reader</h1><p>A new <b>letter</b> waits.</p>",
          contentType: "Html",
        },
      },
    });
    smsOrder = await order("sms", {
      recipientSms: {
        phoneNumber: "+4798765401",
        smsSettings: { body: "Plain SMS text", sendingTimePolicy: "Anytime" },
      },
    });
    await service.settle();
    const card = page.locator(`[data-order-id="${emailOrder}"]`);
    await expect
      .poll(() => card.locator("ol.timeline").textContent(), { timeout: 10_000 })
      .toContain("Order_Completed");
    const steps = await card.locator("ol.timeline li").allTextContents();
    expect(steps[0]).toContain("Order_Registered");
    expect(steps.at(-1)).toContain("Order_Completed");
    // Every step carries its time, in order.
    const times = await card.locator("ol.timeline li time").allTextContents();
    expect(times).toEqual([...times].sort());
    expect(await card.textContent()).toContain("email reader@example.net: Delivered");
    await expect
      .poll(() => page.locator(`[data-order-id="${smsOrder}"] ol.timeline`).textContent())
      .toContain("Order_Completed");
    expect(await page.locator("#feed tr").count()).toBeGreaterThan(0);
  });

  it("renders a captured email's HTML and shows an SMS as plain text", async () => {
    const email = page.locator('#messages [data-channel="email"]').first();
    await expect
      .poll(() => email.frameLocator("iframe").locator("h1").textContent(), { timeout: 10_000 })
      .toBe("Dear reader");
    const sms = page.locator('#messages [data-channel="sms"]').first();
    expect(await sms.locator("pre.body").textContent()).toBe("Plain SMS text");
    // Captures are stamped with the local clock (frozen here), not the machine's.
    expect(await sms.locator("time").first().textContent()).toBe(monday10);
    expect(service.outbox.list().map((m) => m.at)).toEqual([monday10, monday10]);
  });

  it("finds orders and messages by order id, sender's reference and recipient", async () => {
    const search = page.locator("#search");
    await search.fill("page-sms");
    expect(
      await page
        .locator("#orders [data-order-id]")
        .evaluateAll((n) => n.map((e) => e.getAttribute("data-order-id"))),
    ).toEqual([smsOrder]);
    await search.fill("reader@example.net");
    expect(await page.locator("#orders [data-order-id]").count()).toBe(1);
    expect(await page.locator("#messages > .message").count()).toBe(1);
    await search.fill(emailOrder.slice(0, 13));
    expect(await page.locator(`#orders [data-order-id="${emailOrder}"]`).count()).toBe(1);
    await search.fill("");
    expect(await page.locator("#orders [data-order-id]").count()).toBe(2);
  });

  it("renders an email's HTML in a sandbox: none of its scripts or handlers run", async () => {
    await order("script", {
      recipientEmail: {
        emailAddress: "script@example.net",
        emailSettings: {
          subject: "Scripted",
          body:
            '<p id="greeting">Hello</p>' +
            '<script>document.body.dataset.ran = "script"; parent.document.title = "owned";</script>' +
            '<img alt="" src="data:," onerror="document.body.dataset.ran = \'handler\'">',
          contentType: "Html",
        },
      },
    });
    await service.settle();
    const message = page.locator("#messages .message", { hasText: "Scripted" });
    const frame = message.frameLocator("iframe");
    await expect.poll(() => frame.locator("#greeting").textContent(), { timeout: 10_000 }).toBe("Hello");
    expect(await frame.locator("body").getAttribute("data-ran")).toBeNull();
    expect(await page.title()).toBe("varsel — local");
    expect(await message.locator("iframe").getAttribute("sandbox")).toBe("");
  });

  it("shows the process's metrics: orders accepted and final statuses per organisation", async () => {
    const rows = (name: string) => page.locator(`#metrics tr[data-metric="${name}"]`).allTextContents();
    await expect
      .poll(() => rows("varsel.orders.accepted"), { timeout: 10_000 })
      .toEqual([expect.stringContaining("varsel.org=991825827")]);
    const finals = await rows("varsel.notifications.final");
    expect(finals).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/varsel\.org=991825827.*varsel\.notification\.status=Email_Delivered/),
        expect.stringMatching(/varsel\.notification\.status=SMS_Delivered/),
      ]),
    );
    // A histogram shows its count, mean and maximum.
    expect((await rows("varsel.provider.duration")).join("\n")).toMatch(
      /\d+ × mean [\d.]+ ms, max [\d.]+ ms/,
    );
  });

  it("sets the local clock and empties the outbox with its buttons", async () => {
    await page.locator("#clock-at").fill("2026-12-24T18:30:00");
    await page.locator("#set-clock").click();
    const expected = await page.evaluate(() => new Date("2026-12-24T18:30:00").toISOString());
    await expect.poll(() => service.clock.now().toISOString()).toBe(expected);
    await expect.poll(() => page.locator("#now").textContent()).toBe(expected);

    // A reader's open trace stays open while the page updates (the outbox reset re-renders it).
    const trace = page.locator(`[data-order-id="${emailOrder}"] details`, { hasText: "Trace" });
    await trace.locator("summary").click();
    expect(await trace.locator("tr").count()).toBeGreaterThan(5);
    await page.screenshot({
      fullPage: true,
      path: process.env["LOCAL_PAGE_SCREENSHOT"] ?? join(tmpdir(), "varsel-local-page.png"),
    });

    await page.locator("#reset-outbox").click();
    await expect.poll(() => service.outbox.list().length).toBe(0);
    await expect.poll(() => page.locator("#message-count").textContent()).toBe("0");
    expect(await trace.getAttribute("open")).not.toBeNull();
  });
});
