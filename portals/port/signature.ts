/**
 * Port's webhook signature (docs.port.io, "Validating webhook signatures"): `x-port-timestamp` is seconds since the
 * epoch, `x-port-signature` is `v1,` followed by the base64 HMAC-SHA-256 of `${timestamp}.${rawBody}` keyed with the
 * organisation's client secret. A stale timestamp is refused however good the signature: that is what stops a captured
 * request from being replayed later.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

export function portSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v1,${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("base64")}`;
}

export function verifyPortSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  now: Date,
  toleranceSeconds: number,
): SignatureVerdict {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined) {
    return { ok: false, reason: "x-port-timestamp and x-port-signature are required: only Port may call this backend" };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "x-port-timestamp is not seconds since the epoch" };
  const age = Math.round(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(age) > toleranceSeconds) {
    const when = age > 0 ? `${age} s old` : `${-age} s in the future`;
    return {
      ok: false,
      reason: `x-port-timestamp is ${when} (tolerance ${toleranceSeconds} s): a replayed or delayed delivery is refused`,
    };
  }
  // Port may one day send several versions separated by spaces; any v1 that verifies is enough.
  const expected = Buffer.from(portSignature(secret, timestamp, rawBody));
  const verified = signature
    .split(" ")
    .map((candidate) => Buffer.from(candidate.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  return verified ? { ok: true } : { ok: false, reason: "x-port-signature does not match the body and timestamp" };
}
