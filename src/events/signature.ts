import { createHmac, timingSafeEqual } from "node:crypto";

/** `X-Signature-256` value: `sha256=` and the hex HMAC-SHA256 of the exact body bytes sent (as GitHub webhooks do). */
export function signatureHeader(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** For receivers (and the tests): constant-time check of a signature header against the raw body. */
export function verifySignature(body: string, secret: string, header: string | null | undefined): boolean {
  if (header === null || header === undefined) return false;
  const expected = Buffer.from(signatureHeader(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
