/**
 * Strong entity tags over the exact JSON a response sends: equal bytes, equal tag. A status document changes with every
 * step, so a stale portal view carries an old tag and its DELETE or cancel is refused (If-Match → 412).
 */
import { createHash } from "node:crypto";
import type { HttpRequest } from "@azure/functions";

export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

function listed(header: string | null): string[] {
  return (header ?? "")
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** If-None-Match: a match (weak comparison, as RFC 9110 says for this header) means the client's copy is current. */
export function notModified(request: HttpRequest, etag: string): boolean {
  const tags = listed(request.headers.get("if-none-match"));
  return tags.some((tag) => tag === "*" || tag.replace(/^W\//, "") === etag);
}

/** If-Match: strong comparison; `*` matches any current representation. True when the precondition fails. */
export function preconditionFails(request: HttpRequest, etag: string | null): boolean {
  const header = request.headers.get("if-match");
  if (header === null) return false;
  const tags = listed(header);
  if (etag === null) return true;
  return !tags.some((tag) => tag === "*" || tag === etag);
}
