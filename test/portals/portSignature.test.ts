/** Port's webhook signature, checked against a value computed the way Port's own Python example does. */
import { describe, expect, it } from "vitest";
import { portSignature, verifyPortSignature } from "../../portals/port/signature.js";

const secret = "port-client-secret";
const body = '{"operation":"create"}';
// base64(HMAC-SHA256(secret, "1765000000." + body)), from Python's hmac module.
const fromPython = "v1,IjSHlE3yn5WiRnsab9Bs/RweUj5Iw6jspFlqYnrJg2w=";
const at = (seconds: number) => new Date(seconds * 1000);

describe("Port webhook signature", () => {
  it("signs as Port does", () => {
    expect(portSignature(secret, "1765000000", body)).toBe(fromPython);
  });

  it("accepts Port's signature within the tolerance, either side of now", () => {
    const headers = { timestamp: "1765000000", signature: fromPython };
    expect(verifyPortSignature(secret, headers, body, at(1765000000 + 299), 300)).toEqual({ ok: true });
    expect(verifyPortSignature(secret, headers, body, at(1765000000 - 299), 300)).toEqual({ ok: true });
  });

  it.each([
    ["no headers", { timestamp: undefined, signature: undefined }, body, /are required/],
    ["a timestamp that is no number", { timestamp: "yesterday", signature: fromPython }, body, /not seconds/],
    ["a stale timestamp", { timestamp: "1764999000", signature: fromPython }, body, /1000 s old/],
    ["a changed body", { timestamp: "1765000000", signature: fromPython }, '{"operation":"delete"}', /does not match/],
    ["a changed timestamp", { timestamp: "1765000001", signature: fromPython }, body, /does not match/],
    ["another secret's signature", { timestamp: "1765000000", signature: "v1,AAAA" }, body, /does not match/],
  ])("refuses %s", (_, headers, payload, reason) => {
    const verdict = verifyPortSignature(secret, headers, payload, at(1765000000), 300);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toMatch(reason);
  });
});
