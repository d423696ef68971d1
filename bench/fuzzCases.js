"use strict";
/* global structuredClone */
// What the fuzz suite (tests/fuzz, driven by fast-check) and bench/fuzz.js (over HTTP) share: valid requests
// for every JSON route, pools of hostile values, the mutations applied to requests, and the oracle that says
// whether a request the service accepted should have been refused. Plain CommonJS, no dependencies: the
// identifier checks are passed in (the suite passes the TypeScript sources, the bench the compiled ones).

const dayMs = 24 * 60 * 60 * 1000;
const horizonDays = 3653;

/** The JSON routes, by operationId: method and path under the API base. */
const jsonRoutes = {
  createOrderChain: { method: "POST", path: "future/orders" },
  createInstantSms: { method: "POST", path: "future/orders/instant/sms" },
  createInstantEmail: { method: "POST", path: "future/orders/instant/email" },
  createOrder: { method: "POST", path: "orders" },
  createEmailOrder: { method: "POST", path: "orders/email" },
  createSmsOrder: { method: "POST", path: "orders/sms" },
};

/** Valid requests for each JSON route, sent at `now` (send times a day later). */
function validBodies(now) {
  const at = (days) => new Date(now.getTime() + days * dayMs).toISOString().replace(".000Z", "Z");
  const emailSettings = { subject: "Hei $recipientName$", body: "Du har en ny melding.\nMvh" };
  const smsSettings = { body: "Du har en ny melding.", sender: "Kommunen" };
  const person = {
    recipientPerson: {
      nationalIdentityNumber: "15838510075",
      channelSchema: "EmailPreferred",
      emailSettings,
      smsSettings,
    },
  };
  const email = { recipientEmail: { emailAddress: "ola@eksempel.no", emailSettings } };
  const sms = { recipientSms: { phoneNumber: "+4798765432", smsSettings } };
  const organization = {
    recipientOrganization: { orgNumber: "991825827", channelSchema: "Email", emailSettings },
  };
  const external = {
    recipientExternalIdentity: {
      externalIdentity: "urn:altinn:person:idporten-email:kari@eksempel.no",
      emailSettings,
    },
  };
  return {
    createOrderChain: [
      { idempotencyId: "fuzz", sendersReference: "ref-1", recipient: email },
      {
        idempotencyId: "fuzz",
        requestedSendTime: at(1),
        conditionEndpoint: "https://example.com/condition",
        recipient: person,
        reminders: [
          { delayDays: 7, recipient: email },
          { requestedSendTime: at(30), sendersReference: "r2", recipient: sms },
        ],
      },
      { idempotencyId: "fuzz", recipient: organization, dialogportenAssociation: { dialogId: "d1" } },
      { idempotencyId: "fuzz", recipient: external },
      { idempotencyId: "fuzz", recipient: sms },
    ],
    createInstantSms: [
      {
        idempotencyId: "fuzz",
        sendersReference: "otp",
        recipientSms: {
          phoneNumber: "98765432",
          timeToLiveInSeconds: 360,
          smsSettings: { body: "Kode: 123456" },
        },
      },
    ],
    createInstantEmail: [
      {
        idempotencyId: "fuzz",
        recipientEmail: {
          emailAddress: "ola@eksempel.no",
          emailSettings: { subject: "Kode", body: "<p>123456</p>", contentType: "Html" },
        },
      },
    ],
    createOrder: [
      {
        notificationChannel: "EmailPreferred",
        sendersReference: "legacy",
        requestedSendTime: at(1),
        emailTemplate: { subject: "Hei", body: "Melding" },
        smsTemplate: { body: "Melding" },
        recipients: [
          { nationalIdentityNumber: "15838510075" },
          { emailAddress: "a@example.com", mobileNumber: "+4798765432" },
          { organizationNumber: "991825827" },
        ],
      },
    ],
    createEmailOrder: [
      {
        subject: "Hei",
        body: "Melding",
        fromAddress: "avsender@kommune.no",
        recipients: [{ emailAddress: "a@example.com" }],
      },
    ],
    createSmsOrder: [
      { body: "Melding", senderNumber: "Kommunen", recipients: [{ mobileNumber: "+4798765432" }] },
    ],
  };
}

/** Text a hostile client would try: control characters, lone surrogates, odd dates, near-miss identifiers. */
const hostileStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfff",
  "\ud83d\ude00",
  "\u001b[2J",
  "\u007f",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\r\n\r\nBcc: x@example.com",
  "x".repeat(300),
  "x".repeat(3000),
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00Z",
  "2026-02-30T10:00:00Z",
  "2026-11-24T09:00:00",
  "2026-11-24T09:00:00+14:01",
  "2026-11-24T24:00:00Z",
  "2036-11-30T09:00:00Z",
  "2026-11-23T08:59:59Z",
  "1e400",
  "NaN",
  "15838510075",
  "15838510076",
  "1583851007",
  "991825827",
  "991825828",
  "+4798765432",
  "+47987654321",
  "0047 987 65 432",
  "98765432",
  "22222222",
  "a@b.no",
  "a@@b.no",
  "a@b",
  "a@b.no;c@d.no",
  `${"a".repeat(250)}@b.no`,
  "urn:altinn:person:idporten-email:a@b.no",
  "urn:altinn:person:idporten-email:not-an-email",
  "urn:altinn:username:",
  "urn:altinn:resource:app_ttd_x",
  "__proto__",
  "constructor",
  "toString",
  "Email",
  "Sms",
  "EmailAndSms",
  "html",
  "PLAIN",
  "Daytime",
  "anytime",
  "desc",
  "javascript:alert(1)",
  "http://127.0.0.1/cond",
  "https://example.com/x",
  "file:///etc/passwd",
  "http://[::1]:80/",
  "'; DROP TABLE orders; --",
  "SELECT * FROM c",
  "$recipientName$",
  "%00",
  "..%2f..%2f",
];

const hostileNumbers = [
  0,
  -1,
  1,
  7,
  59,
  60,
  3653,
  3654,
  172800,
  172801,
  1e8,
  1e21,
  -1e21,
  2 ** 53,
  2 ** 53 + 2,
  1.5,
  -0.0,
  0.1,
];

/** Every path in a JSON value (objects and arrays), outermost first. */
function pathsOf(value) {
  const paths = [];
  const stack = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop();
    paths.push(path);
    if (Array.isArray(node)) node.forEach((item, i) => stack.push([item, [...path, i]]));
    else if (node !== null && typeof node === "object") {
      for (const key of Object.keys(node)) stack.push([node[key], [...path, key]]);
    }
  }
  return paths;
}

function containerAt(root, path) {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Applies one mutation to a JSON value in place (returns the new root): `set` replaces the value at the
 * chosen path, `delete` removes it, `add` puts a new key in the chosen object, `repeat` fills the chosen
 * array with copies of its first item (`count` of them), `wrap` nests the chosen value `count` levels deep.
 */
function applyMutation(root, mutation) {
  const paths = pathsOf(root);
  const path = paths[mutation.pathIndex % paths.length];
  const set = (value) => {
    if (path.length === 0) return value;
    const parent = containerAt(root, path.slice(0, -1));
    parent[path[path.length - 1]] = value;
    return root;
  };
  const current = containerAt(root, path);
  switch (mutation.op) {
    case "set":
      return set(mutation.value);
    case "delete":
      if (path.length === 0) return root;
      {
        const parent = containerAt(root, path.slice(0, -1));
        if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
        else delete parent[path[path.length - 1]];
      }
      return root;
    case "add":
      if (current !== null && typeof current === "object" && !Array.isArray(current)) {
        // defineProperty: "__proto__" becomes data, as JSON.parse makes it.
        Object.defineProperty(current, mutation.key, {
          value: mutation.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return root;
    case "repeat":
      if (Array.isArray(current) && current.length > 0) {
        return set(Array.from({ length: mutation.count }, () => structuredClone(current[0])));
      }
      return root;
    case "wrap": {
      let value = current;
      for (let i = 0; i < Math.min(mutation.count, 200); i++) value = i % 2 === 0 ? [value] : { v: value };
      return set(value);
    }
    default:
      return root;
  }
}

/**
 * Byte-level mutations of a serialised body: truncate, insert or overwrite bytes (invalid UTF-8 included),
 * nest deeply under an ignored key, repeat a key, add a byte-order mark or trailing garbage.
 */
function applyTextMutation(bytes, mutation) {
  const at = bytes.length === 0 ? 0 : mutation.position % (bytes.length + 1);
  const insert = (extra) => Buffer.concat([bytes.subarray(0, at), Buffer.from(extra), bytes.subarray(at)]);
  switch (mutation.op) {
    case "truncate":
      return bytes.subarray(0, at);
    case "insertBytes":
      return insert(mutation.bytes);
    case "overwriteByte": {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[at % copy.length] = mutation.bytes[0] ?? 0xff;
      return copy;
    }
    case "deepNest": {
      const n = mutation.count;
      const nested =
        mutation.bytes[0] % 2 === 0 ? "[".repeat(n) + "]".repeat(n) : '{"a":'.repeat(n) + "1" + "}".repeat(n);
      const brace = bytes.indexOf("{");
      if (brace < 0) return bytes;
      return Buffer.concat([
        bytes.subarray(0, brace + 1),
        Buffer.from(`"zz":${nested},`),
        bytes.subarray(brace + 1),
      ]);
    }
    case "duplicateKey": {
      const brace = bytes.indexOf("{");
      if (brace < 0) return bytes;
      return Buffer.concat([
        bytes.subarray(0, brace + 1),
        Buffer.from('"idempotencyId":"dup",'),
        bytes.subarray(brace + 1),
      ]);
    }
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case "trailing":
      return Buffer.concat([bytes, Buffer.from(mutation.bytes)]);
    default:
      return bytes;
  }
}

/** Content types a client might send: the accepted ones and the ones ASP.NET answers with 415. */
const contentTypes = [
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON;charset=UTF-8",
  "text/plain",
  "text/plain; charset=utf-8",
  "application/xml",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "application/problem+json",
  "",
];

function contentTypeAccepted(type) {
  if (type === undefined) return false;
  const [media, ...parameters] = type.split(";");
  if (media.trim().toLowerCase() !== "application/json") return false;
  return parameters.every((p) => {
    const [name, value = ""] = p.split("=");
    if (name.trim().toLowerCase() !== "charset") return true;
    return ["utf-8", "utf8"].includes(
      value
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase(),
    );
  });
}

const forbiddenText =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fieldPath(path) {
  let key = "";
  for (const segment of path)
    key += typeof segment === "number" ? `[${segment}]` : key === "" ? segment : `.${segment}`;
  return key;
}

/** A time the service may accept: ISO 8601 with an offset, from `earliestMs` to the 10-year horizon. */
function timeProblem(value, now, earliestMs) {
  if (typeof value !== "string") return "not a string";
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(value)) return "no time zone";
  const ms = Date.parse(value.toUpperCase());
  if (!Number.isFinite(ms)) return "not a date";
  if (ms < earliestMs) return "in the past";
  if (ms > now.getTime() + horizonDays * dayMs) return "past the horizon";
  return undefined;
}

/**
 * Why an accepted request should have been refused, if it should: an invalid identifier, address or time at a
 * place the route reads it, too many reminders or recipients, text over its limit, or text with control
 * characters or lone surrogates anywhere in the body. `checks` are the identifier rules
 * (isValidNationalIdentityNumber, isValidOrganizationNumber, isValidEmailAddress, normalizeMobileNumber,
 * isValidExternalIdentity). Returns a list of "path: reason" strings, empty when the acceptance was right.
 */
function acceptedInvalid(operationId, body, now, checks) {
  const reasons = [];
  const nowMs = now.getTime();
  const legacy =
    operationId === "createOrder" || operationId === "createEmailOrder" || operationId === "createSmsOrder";
  const smsBodies = operationId === "createSmsOrder" || operationId === "createInstantSms";
  const stack = [[body, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop();
    const at = fieldPath(path);
    const key = path[path.length - 1];
    if (typeof value === "string") {
      if (forbiddenText.test(value)) reasons.push(`${at}: control character or lone surrogate`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (value !== null && typeof value === "object") {
      for (const name of Object.keys(value)) {
        if (forbiddenText.test(name)) reasons.push(`${at}: control character in a property name`);
        stack.push([value[name], [...path, name]]);
      }
    }
    if (value === null || value === undefined) continue;
    const text = typeof value === "string" ? value : undefined;
    const onRecipient = /^(reminders\[\d+\]\.)?recipient\.\w+$/.test(fieldPath(path.slice(0, -1)));
    const onLegacyRecipient = legacy && /^recipients\[\d+\]$/.test(fieldPath(path.slice(0, -1)));
    const check = (ok, what) => {
      if (!ok) reasons.push(`${at}: ${what} ${JSON.stringify(value).slice(0, 60)}`);
    };
    if (operationId === "createOrderChain") {
      if (onRecipient && key === "nationalIdentityNumber")
        check(text && checks.isValidNationalIdentityNumber(text), "invalid national identity number");
      if (onRecipient && key === "orgNumber")
        check(text && checks.isValidOrganizationNumber(text), "invalid organization number");
      if (onRecipient && key === "emailAddress")
        check(text && checks.isValidEmailAddress(text), "invalid email address");
      if (onRecipient && key === "phoneNumber")
        check(text && checks.normalizeMobileNumber(text), "invalid mobile number");
      if (onRecipient && key === "externalIdentity")
        check(text && checks.isValidExternalIdentity(text), "invalid external identity");
      if (/^(reminders\[\d+\]\.)?requestedSendTime$/.test(at)) {
        const problem = timeProblem(value, now, nowMs);
        check(!problem, `send time ${problem}`);
      }
      if (/^reminders\[\d+\]\.delayDays$/.test(at)) {
        const mainMs =
          typeof body.requestedSendTime === "string" ? Date.parse(body.requestedSendTime) : nowMs;
        check(
          Number.isInteger(value) &&
            value >= 1 &&
            value <= horizonDays &&
            mainMs + value * dayMs <= nowMs + horizonDays * dayMs,
          "delayDays out of range",
        );
      }
      if (at === "reminders") check(Array.isArray(value) && value.length <= 20, "more than 20 reminders");
      if (/^(reminders\[\d+\]\.)?conditionEndpoint$/.test(at))
        check(text && /^https?:\/\/[^\s]/i.test(text), "invalid condition endpoint");
    }
    if (operationId === "createInstantSms") {
      if (at === "recipientSms.phoneNumber")
        check(text && checks.normalizeMobileNumber(text), "invalid mobile number");
      if (at === "recipientSms.timeToLiveInSeconds")
        check(Number.isInteger(value) && value >= 60 && value <= 172800, "time-to-live out of range");
    }
    if (operationId === "createInstantEmail" && at === "recipientEmail.emailAddress") {
      check(text && checks.isValidEmailAddress(text), "invalid email address");
    }
    if (legacy) {
      // Legacy fields treat "" as absent.
      if (onLegacyRecipient && text !== "") {
        if (key === "nationalIdentityNumber")
          check(text && checks.isValidNationalIdentityNumber(text), "invalid national identity number");
        if (key === "organizationNumber")
          check(text && checks.isValidOrganizationNumber(text), "invalid organization number");
        if (key === "emailAddress") check(text && checks.isValidEmailAddress(text), "invalid email address");
        if (key === "mobileNumber")
          check(text && checks.normalizeMobileNumber(text), "invalid mobile number");
      }
      if (at === "requestedSendTime") {
        const problem = timeProblem(value, now, nowMs - 5 * 60_000);
        check(!problem, `send time ${problem}`);
      }
      if (at === "recipients")
        check(
          Array.isArray(value) && value.length >= 1 && value.length <= 10_000,
          "recipient count out of range",
        );
    }
    const senderPath =
      /^(reminders\[\d+\]\.)?recipient\.\w+\.emailSettings\.senderEmailAddress$/.test(at) ||
      at === "recipientEmail.emailSettings.senderEmailAddress" ||
      (legacy && (at === "fromAddress" || at === "emailTemplate.fromAddress"));
    if (senderPath && !(legacy && text === ""))
      check(text && checks.isValidEmailAddress(text), "invalid sender address");
    if (text !== undefined) {
      const textPath = legacy
        ? /^(subject|body|sendersReference|(emailTemplate|smsTemplate)\.(subject|body))$/
        : /^(idempotencyId|sendersReference|(reminders\[\d+\]\.)?(sendersReference|recipient\.\w+\.(emailSettings|smsSettings)\.(subject|body))|recipient(Sms|Email)\.(smsSettings|emailSettings)\.(subject|body))$/;
      if (textPath.test(at)) {
        const sms = smsBodies || /sms/i.test(at);
        const max = key === "subject" ? 998 : key === "body" ? (sms ? 2144 : 500_000) : 256;
        check(text.length <= max, `longer than ${max}`);
      }
    }
  }
  return reasons;
}

/** Query-string values at and past every bound a read route checks (cursors, page sizes, sort orders). */
const hostileQueryValues = [
  "0",
  "1",
  "-1",
  "500",
  "501",
  "9007199254740991",
  "9007199254740992",
  "99999999999999999999999",
  "1e3",
  "0x10",
  " 1",
  "asc",
  "DESC",
  "x",
  "",
  "\u0000",
  "\ud800",
];

/** The byte-level mutations as a fast-check arbitrary (fast-check is passed in: this file has no dependencies). */
function textMutationArbitrary(fc) {
  return fc.record({
    op: fc.constantFrom(
      "truncate",
      "insertBytes",
      "overwriteByte",
      "deepNest",
      "duplicateKey",
      "bom",
      "trailing",
    ),
    position: fc.nat(),
    bytes: fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0xc3, 0xed, 0xff)), {
      minLength: 1,
      maxLength: 4,
    }),
    count: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(65, 5_000, 20_000)),
  });
}

module.exports = {
  hostileQueryValues,
  textMutationArbitrary,
  jsonRoutes,
  validBodies,
  hostileStrings,
  hostileNumbers,
  contentTypes,
  contentTypeAccepted,
  pathsOf,
  applyMutation,
  applyTextMutation,
  acceptedInvalid,
};
