import type { HttpResponseInit } from "@azure/functions";
import { problem } from "../domain/problem.js";
import { problemResponse } from "./responses.js";

/** 412 for a DELETE or cancel sent with an If-Match that is not the run's current ETag (a stale view of the run). */
export function preconditionFailed(id: string, currentEtag: string, statusUrl: string): HttpResponseInit {
  const message = "If-Match does not match the run's current ETag; GET the status again and decide on what it says now";
  return problemResponse(
    problem(412, "Precondition Failed", `${message}.`, {
      id,
      statusUrl,
      errors: [{ path: "If-Match", code: "etag-mismatch", message }],
    }),
    { ETag: currentEtag },
  );
}
