/**
 * `Idempotency-Key` (IETF draft) and `Repeatability-Request-ID` + `Repeatability-First-Sent` (OASIS Repeatable Requests,
 * as Azure's API guidelines use them) on POST /api/clusters.
 */
import type { HttpRequest } from "@azure/functions";
import { problem, type ProblemDetails } from "../domain/problem.js";
import { keyRetentionMs } from "../store/requestKeys.js";

/** Clocks of callers and this API may disagree by this much (OASIS suggests servers allow for skew). */

const maxClockSkewMs = 5 * 60 * 1000;
export interface RequestKey {
  header: "idempotency-key" | "repeatability-request-id";
  key: string;
}

export type KeyHeaders =
  { ok: true; key: RequestKey | null } | { ok: false; problem: ProblemDetails; headers: Record<string, string> };

const keyPattern = /^[\x21-\x7e]{1,255}$/;

const invalid = (path: string, message: string, headers: Record<string, string> = {}): KeyHeaders => ({
  ok: false,
  problem: problem(400, "Bad Request", message, { errors: [{ path, code: "invalid-header", message }] }),
  headers,
});

export function readKeyHeaders(request: HttpRequest, now: Date): KeyHeaders {
  const repeatability = request.headers.get("repeatability-request-id");
  const idempotency = request.headers.get("idempotency-key");
  if (repeatability !== null) {
    const rejected = { "Repeatability-Result": "rejected" };
    if (!keyPattern.test(repeatability.trim())) {
      return invalid(
        "Repeatability-Request-ID",
        "Repeatability-Request-ID must be 1–255 visible ASCII characters.",
        rejected,
      );
    }
    const firstSent = request.headers.get("repeatability-first-sent");
    if (firstSent !== null) {
      const sent = Date.parse(firstSent);
      if (Number.isNaN(sent)) {
        return invalid(
          "Repeatability-First-Sent",
          "Repeatability-First-Sent must be an HTTP-date (IMF-fixdate).",
          rejected,
        );
      }
      // A first send in the future is a broken clock or a forged header: it would pin the key past its retention.
      if (sent - now.getTime() > maxClockSkewMs) {
        return invalid(
          "Repeatability-First-Sent",
          "Repeatability-First-Sent is in the future; send the time the request was first sent.",
          rejected,
        );
      }
      // Keys are kept a day: a request first sent earlier than that cannot be told apart from a new one.
      if (now.getTime() - sent > keyRetentionMs) {
        return invalid(
          "Repeatability-First-Sent",
          "Repeatability-First-Sent is older than the 24 hours this API remembers requests; send it as a new request.",
          rejected,
        );
      }
    }
    return { ok: true, key: { header: "repeatability-request-id", key: repeatability.trim() } };
  }
  if (idempotency !== null) {
    // The draft sends the key as a structured-field string: "abc"; a bare token is accepted too.
    const key = idempotency.trim().replace(/^"(.*)"$/, "$1");
    if (!keyPattern.test(key))
      return invalid("Idempotency-Key", "Idempotency-Key must be 1–255 visible ASCII characters.");
    return { ok: true, key: { header: "idempotency-key", key } };
  }
  return { ok: true, key: null };
}
