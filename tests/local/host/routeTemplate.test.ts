import { describe, expect, it } from "vitest";
import { compileRoute, comparePrecedence, pathSegments } from "../../../shared/local/host/routeTemplate";

const guid = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("compileRoute", () => {
  it("When a template has parameters, then their values come from the decoded path", () => {
    const route = compileRoute("orders/{id}/notifications/{channel}");

    expect(route.match(pathSegments("/orders/a%20b/notifications/email"))).toEqual({
      id: "a b",
      channel: "email",
    });
    expect(route.match(pathSegments("/ORDERS/x/Notifications/sms/"))).toEqual({ id: "x", channel: "sms" });
    expect(route.match(pathSegments("/orders/x/notifications"))).toBeUndefined();
    expect(route.match(pathSegments("/orders/x/notifications/sms/extra"))).toBeUndefined();
  });

  it("When a parameter has a constraint, then values that break it don't match", () => {
    expect(compileRoute("s/{id:guid}").match(["s", guid])).toEqual({ id: guid });
    expect(compileRoute("s/{id:guid}").match(["s", "feed"])).toBeUndefined();
    expect(compileRoute("n/{n:int}").match(["n", "-42"])).toEqual({ n: "-42" });
    expect(compileRoute("n/{n:int}").match(["n", "99999999999"])).toBeUndefined();
    expect(compileRoute("n/{n:int:min(1)}").match(["n", "0"])).toBeUndefined();
    expect(compileRoute("c/{code:length(2,3)}").match(["c", "abcd"])).toBeUndefined();
    expect(compileRoute("r/{v:regex(^a+$)}").match(["r", "AAA"])).toEqual({ v: "AAA" });
  });

  it("When a parameter is optional or catch-all, then it may be absent", () => {
    const optional = compileRoute("pages/{page:int?}");
    const catchAll = compileRoute("files/{*path}");

    expect(optional.match(["pages"])).toEqual({});
    expect(optional.match(["pages", "3"])).toEqual({ page: "3" });
    expect(optional.match(["pages", "x"])).toBeUndefined();
    expect(catchAll.match(["files"])).toEqual({});
    expect(catchAll.match(["files", "a", "b.txt"])).toEqual({ path: "a/b.txt" });
  });

  it("When a segment mixes text and a parameter, then the parameter is cut out of it", () => {
    expect(compileRoute("docs/{name}.{ext}").match(["docs", "report.final.pdf"])).toEqual({
      name: "report",
      ext: "final.pdf",
    });
  });

  it("When a template is malformed, then compiling it throws", () => {
    expect(() => compileRoute("a/{*rest}/b")).toThrow(/last segment/);
    expect(() => compileRoute("a/{id:unknown}")).toThrow(/not supported/);
    expect(() => compileRoute("a/{bad name}")).toThrow(/invalid parameter/);
  });
});

describe("comparePrecedence", () => {
  it("When templates compete, then literal beats constrained beats plain beats catch-all", () => {
    const ordered = [
      "future/shipment/feed",
      "future/shipment/{id:guid}",
      "future/shipment/{id}",
      "future/{*rest}",
    ];
    const shuffled = [ordered[2], ordered[3], ordered[0], ordered[1]].map((template) =>
      compileRoute(template ?? ""),
    );

    const sorted = shuffled.sort(comparePrecedence).map((route) => route.template);

    expect(sorted).toEqual(ordered);
  });
});
