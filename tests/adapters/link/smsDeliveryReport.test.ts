/**
 * LINK (PSWin XML) delivery reports and the protocol documents, checked against the examples on
 * wiki.pswin.com so that the adapter and the local gateway cannot agree on a wrong format between them.
 */
import { describe, expect, it } from "vitest";
import { deliveryReportAcknowledgementXml, isAcknowledged } from "../../../shared/adapters/link/pswinReport";
import { parseSubmitResponse, submitRequestXml } from "../../../shared/adapters/link/pswinSubmit";
import { parseSmsDeliveryReport } from "../../../shared/adapters/link/smsDeliveryReport";
import { escapeXml, parseXml, XmlParseError } from "../../../shared/adapters/link/xml";

/** Verbatim from "Receive delivery report request XML" (also Altinn's DeliveryReportControllerTests). */
const wikiReport = `<?xml version="1.0"?>
<!DOCTYPE MSGLST SYSTEM "pswincom_report_request.dtd">
<MSGLST>
  <MSG>
    <ID>1</ID>
    <REF>984342374</REF>
    <RCV>4512345678</RCV>
    <STATE>DELIVRD</STATE>
    <DELIVERYTIME>2006.02.23 15:23:23</DELIVERYTIME>
  </MSG>
</MSGLST>`;

function report(state: string, reference = "BB35EDF6-3D61-4DE5-9C95-C6E5E35D48EA"): string {
  return `<?xml version="1.0"?><MSGLST><MSG><ID>1</ID><REF>${reference}</REF><RCV>4799999999</RCV><STATE>${state}</STATE></MSG></MSGLST>`;
}

describe("parseSmsDeliveryReport", () => {
  it("reads the wiki's sample report", () => {
    expect(parseSmsDeliveryReport(wikiReport, "application/xml")).toEqual([
      {
        valid: true,
        provider: "link",
        reference: "984342374",
        gatewayReference: "984342374",
        status: "Delivered",
        result: "Delivered",
        deliveryTime: "2006.02.23 15:23:23",
        raw: wikiReport,
      },
    ]);
  });

  it.each([
    ["DELIVRD", "Delivered"],
    ["UNDELIV", "Failed_Undelivered"],
    ["EXPIRED", "Failed_Expired"],
    ["DELETED", "Failed_Deleted"],
    ["BARRED", "Failed_BarredReceiver"],
    ["REJECTD", "Failed_Rejected"],
    ["UNKNOWN", "Failed"],
    ["FAILED", "Failed"],
    ["NULL", "Failed"],
  ])("maps STATE %s to %s", (state, expected) => {
    expect(parseSmsDeliveryReport(report(state), "text/xml; charset=utf-8")).toMatchObject([
      { valid: true, result: expected, status: expected },
    ]);
  });

  it("accepts bytes and a missing content type", () => {
    expect(parseSmsDeliveryReport(Buffer.from(wikiReport))).toMatchObject([
      { valid: true, result: "Delivered" },
    ]);
  });

  it("splits a document with several reports; each raw is a one-report document that parses to itself", () => {
    const two = `<MSGLST><MSG><ID>1</ID><REF>A-1</REF><RCV>4799999999</RCV><STATE>DELIVRD</STATE></MSG><MSG><ID>2</ID><REF>A-2</REF><RCV>4799999998</RCV><STATE>EXPIRED</STATE></MSG></MSGLST>`;

    const reports = parseSmsDeliveryReport(two, "application/xml");

    expect(reports).toMatchObject([
      { valid: true, gatewayReference: "A-1", result: "Delivered" },
      { valid: true, gatewayReference: "A-2", result: "Failed_Expired" },
    ]);
    expect(parseSmsDeliveryReport(reports[1]!.raw, "application/xml")).toEqual([reports[1]]);
  });

  it.each([
    ["an unknown state", report("ZEROBAL"), /unknown STATE "ZEROBAL"/],
    ["a missing REF", report("DELIVRD", ""), /missing REF/],
    [
      "a missing STATE",
      "<MSGLST><MSG><ID>1</ID><REF>R</REF><RCV>4799999999</RCV></MSG></MSGLST>",
      /missing RCV or STATE/,
    ],
    ["malformed XML", "<MSGLST><MSG><ID>1</MSG></MSGLST>", /not a PSWin delivery report/],
    ["another root element", "<SESSION><LOGON>OK</LOGON></SESSION>", /root element is not MSGLST/],
    ["an empty list", "<MSGLST></MSGLST>", /MSGLST has no MSG/],
    ["an empty body", "  ", /empty or non-text body/],
    ["a body that is not text", { state: "DELIVRD" }, /empty or non-text body/],
    [
      "a DOCTYPE declaring entities",
      '<!DOCTYPE MSGLST [<!ENTITY x "boom">]><MSGLST><MSG><ID>1</ID><REF>&x;</REF></MSG></MSGLST>',
      /internal subsets/,
    ],
    ["an undeclared entity", report("&bogus;"), /unknown entity/],
  ])("turns %s into a typed invalid report", (_name, body, reason) => {
    expect(parseSmsDeliveryReport(body, "application/xml")).toEqual([
      { valid: false, provider: "link", reason: expect.stringMatching(reason), raw: expect.anything() },
    ]);
  });

  it("refuses JSON content", () => {
    expect(parseSmsDeliveryReport(wikiReport, "application/json")).toMatchObject([
      { valid: false, reason: "unsupported content type application/json" },
    ]);
  });
});

describe("PSWin XML documents", () => {
  it("writes the submit request in the documented element order, escaping text", () => {
    const xml = submitRequestXml({ username: "demo1", password: "p<w>&" }, [
      { id: 1, text: 'Tom & "Jerry"', sender: "Varsel", receiver: "4712345678", ttlMinutes: 2880 },
    ]);

    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><SESSION><CLIENT>demo1</CLIENT><PW>p&lt;w&gt;&amp;</PW>' +
        "<MSGLST><MSG><ID>1</ID><TEXT>Tom &amp; &quot;Jerry&quot;</TEXT><SND>Varsel</SND><RCV>4712345678</RCV>" +
        "<TTL>2880</TTL></MSG></MSGLST></SESSION>",
    );
  });

  it("reads the wiki's submit response, with and without REF, and a refused logon", () => {
    const ok = `<?xml version="1.0"?>
<SESSION>
  <LOGON>OK</LOGON>
  <REASON></REASON>
  <MSGLST>
    <MSG><ID>1</ID><REF>BB35EDF6-3D61-4DE5-9C95-C6E5E35D48EA</REF><STATUS>OK</STATUS><INFO></INFO></MSG>
    <MSG><ID>2</ID><STATUS>FAIL</STATUS><INFO>Invalid RCV '12345678'. Receiver number must be at least 9 digits.</INFO></MSG>
  </MSGLST>
</SESSION>`;

    expect(parseSubmitResponse(ok)).toEqual({
      logon: "OK",
      messages: [
        { id: "1", ok: true, reference: "BB35EDF6-3D61-4DE5-9C95-C6E5E35D48EA", info: "" },
        { id: "2", ok: false, info: "Invalid RCV '12345678'. Receiver number must be at least 9 digits." },
      ],
    });
    expect(
      parseSubmitResponse("<SESSION><LOGON>FAIL</LOGON><REASON>Invalid login</REASON></SESSION>"),
    ).toEqual({
      logon: "FAIL",
      reason: "Invalid login",
    });
    expect(() => parseSubmitResponse("<MSGLST/>")).toThrow(XmlParseError);
  });

  it("writes the acknowledgement the wiki documents and recognises it", () => {
    const ack = deliveryReportAcknowledgementXml(["1"]);

    expect(ack).toBe('<?xml version="1.0"?><MSGLST><MSG><ID>1</ID><STATUS>OK</STATUS></MSG></MSGLST>');
    expect(isAcknowledged(ack, ["1"])).toBe(true);
    expect(isAcknowledged(deliveryReportAcknowledgementXml(["1"], "FAIL"), ["1"])).toBe(false);
  });

  it("parses CDATA, character references and comments; drops characters XML cannot carry", () => {
    const root = parseXml("<!-- c --><A><B><![CDATA[<x> & y]]></B><C>&#229;&#xF8;</C></A>");

    expect(root.children.map((c) => c.text)).toEqual(["<x> & y", "åø"]);
    expect(escapeXml("a\u0007b<")).toBe("ab&lt;");
    expect(() => parseXml("<A>&#x110000;</A>")).toThrow(XmlParseError);
    expect(() => parseXml("<A></A><B></B>")).toThrow(XmlParseError);
  });
});
