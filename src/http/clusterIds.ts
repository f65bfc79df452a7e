/**
 * Only ids this API issues reach the orchestration store: `c` and 24 lower-case hex digits (see provisioningId). An id
 * with a slash, dot-dot, NUL, `?`, `#` or percent-escapes could otherwise address another Durable resource.
 */
const issuedId = /^c[0-9a-f]{24}$/;

export function isIssuedId(id: string | undefined): id is string {
  return id !== undefined && issuedId.test(id);
}
