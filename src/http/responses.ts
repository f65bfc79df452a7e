import type { HttpResponseInit } from "@azure/functions";
import { isIssuedId } from "./clusterIds.js";
import { problem, problemContentType, type ProblemDetails } from "../domain/problem.js";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } };
}

export function problemResponse(details: ProblemDetails, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status: details.status,
    body: JSON.stringify(details),
    headers: { "Content-Type": problemContentType, ...headers },
  };
}

export function notFound(id: string, instance: string): HttpResponseInit {
  // The id is echoed only when it is one this API could have issued; anything else may be an attack string.
  const shown = isIssuedId(id) ? ` with id '${id}'` : "";
  return problemResponse(problem(404, "Not Found", `No provisioning run${shown}.`, { instance }));
}

/** Absolute URL of a route, built from the request so it is right behind any host name. */
export function urlFor(requestUrl: string, path: string): string {
  return new URL(path, requestUrl).toString();
}
