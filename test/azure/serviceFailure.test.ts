import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { redact, toServiceFailure } from "../../src/azure/serviceFailure.js";

describe("toServiceFailure", () => {
  it("keeps the ARM code of a RestError and marks throttling transient", () => {
    expect(
      toServiceFailure(new RestError("slow down", { code: "SubscriptionRequestsThrottled", statusCode: 429 })),
    ).toMatchObject({
      code: "SubscriptionRequestsThrottled",
      statusCode: 429,
      transient: true,
    });
  });

  it("treats validation errors as permanent", () => {
    expect(toServiceFailure(new RestError("bad", { code: "InsufficientSubnetSize", statusCode: 400 }))).toMatchObject({
      code: "InsufficientSubnetSize",
      transient: false,
    });
  });

  it("treats 5xx and AnotherOperationInProgress as transient", () => {
    expect(toServiceFailure(new RestError("x", { statusCode: 503 })).transient).toBe(true);
    expect(
      toServiceFailure(new RestError("x", { code: "AnotherOperationInProgress", statusCode: 409 })).transient,
    ).toBe(true);
  });

  it("recovers the code from core-lro's plain Error for a failed long-running operation", () => {
    const failure = toServiceFailure(
      new Error("The long-running operation has failed. InsufficientSubnetSize. Pre-allocated IPs 96 exceeds 59"),
    );
    expect(failure).toMatchObject({
      code: "InsufficientSubnetSize",
      message: "Pre-allocated IPs 96 exceeds 59",
      transient: false,
    });
  });

  it("keeps bearer tokens and signed query strings out of messages", () => {
    const text = redact("GET https://x/op?api-version=1&t=abc&sig=secret Authorization: Bearer eyJ0eXAi.abc.def");
    expect(text).not.toContain("secret");
    expect(text).not.toContain("eyJ0eXAi");
    expect(text).toContain("api-version=1");
  });
});

describe("faults from Entra ID and the Kubernetes API", () => {
  const msal = (prefix: string, description: string) => {
    const error = new Error(
      `${prefix}: Error(s): Not Available - Timestamp: Not Available - Description: ${description} - Correlation ID: Not Available - Trace ID: Not Available`,
    );
    error.name = "AuthenticationRequiredError";
    return error;
  };

  it("treats a token endpoint that answers without an OAuth error as an outage", () => {
    const failure = toServiceFailure(msal("[object Object]", "Not Available"));
    expect(failure).toMatchObject({ service: "entra", transient: true });
    expect(failure.message).not.toContain("[object Object]");
  });

  it("keeps a wrong client secret permanent, with Entra's description", () => {
    expect(toServiceFailure(msal("invalid_client", "AADSTS7000215: Invalid client secret provided."))).toEqual({
      service: "entra",
      code: "invalid_client",
      message: "AADSTS7000215: Invalid client secret provided.",
      statusCode: null,
      transient: false,
    });
  });

  const apiException = (code: number, body: unknown) =>
    Object.assign(
      new Error(`HTTP-Code: ${code}\nMessage: x\nBody: ${JSON.stringify(body)}\nHeaders: {"audit-id":"1"}`),
      {
        name: "ApiException",
        code,
        body,
        headers: { "audit-id": "1" },
      },
    );

  it("retries Kubernetes throttling and 5xx, keeping the Status reason and dropping the headers", () => {
    const failure = toServiceFailure(
      apiException(429, {
        kind: "Status",
        reason: "TooManyRequests",
        message: "too many requests, please try again later",
      }),
    );
    expect(failure).toMatchObject({ service: "kubernetes", code: "TooManyRequests", transient: true });
    expect(failure.message).toBe("too many requests, please try again later");
    expect(toServiceFailure(apiException(503, "upstream connect error")).transient).toBe(true);
  });

  it("keeps a Kubernetes 403 permanent with its reason", () => {
    expect(toServiceFailure(apiException(403, JSON.stringify({ reason: "Forbidden", message: "no" })))).toMatchObject({
      code: "Forbidden",
      transient: false,
    });
  });

  it("retries connection resets and timeouts wherever the socket error sits", () => {
    const reset = Object.assign(new Error("request to https://x failed, reason: socket hang up"), {
      name: "FetchError",
      code: "ECONNRESET",
      type: "system",
    });
    expect(toServiceFailure(reset)).toMatchObject({ service: "network", code: "ECONNRESET", transient: true });
    const undici = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(toServiceFailure(undici)).toMatchObject({ code: "ECONNREFUSED", transient: true });
  });

  it("strips stack frames and server paths from messages", () => {
    const text = redact("boom at /home/site/wwwroot/dist/src/x.js:1:2\n    at Object.<anonymous> (/a/b.js:3:4)");
    expect(text).toBe("boom at [path]");
  });
});
