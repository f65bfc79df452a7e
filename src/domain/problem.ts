/** RFC 9457 problem details: the one shape of every 4xx (and 5xx) the API returns. */
import type { ProblemDetails } from "./statusSchemas.js";
import type { Violation } from "./violations.js";

export type { ProblemDetails } from "./statusSchemas.js";

export const problemContentType = "application/problem+json";

const problemTypes: Record<number, string> = {
  400: "urn:aks-provisioning-api:problem:bad-request",
  401: "urn:aks-provisioning-api:problem:unauthorized",
  403: "urn:aks-provisioning-api:problem:forbidden",
  404: "urn:aks-provisioning-api:problem:not-found",
  409: "urn:aks-provisioning-api:problem:conflict",
  412: "urn:aks-provisioning-api:problem:precondition-failed",
  413: "urn:aks-provisioning-api:problem:payload-too-large",
  415: "urn:aks-provisioning-api:problem:unsupported-media-type",
  422: "urn:aks-provisioning-api:problem:unprocessable",
  500: "urn:aks-provisioning-api:problem:internal",
  503: "urn:aks-provisioning-api:problem:unavailable",
};

export function problem(
  status: number,
  title: string,
  detail?: string,
  extra: Record<string, unknown> = {},
): ProblemDetails {
  return {
    type: problemTypes[status] ?? "about:blank",
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

export function validationProblem(violations: Violation[], instance?: string): ProblemDetails {
  return {
    type: "urn:aks-provisioning-api:problem:validation",
    title: "The cluster request is invalid",
    status: 400,
    detail: `${violations.length} rule${violations.length === 1 ? " is" : "s are"} violated; nothing was created.`,
    ...(instance === undefined ? {} : { instance }),
    errors: violations,
  };
}
