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
