/**
 * Host keys as the Functions host uses them: a function key for function-level HTTP triggers, the system key the
 * Durable extension's webhooks require, and a master key that opens both. Compared in constant time.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

export const newKey = () => randomBytes(24).toString("base64url");

export function keyMatches(expected: string[], given: string | null | undefined): boolean {
  if (given === null || given === undefined || given.length === 0) return false;
  const b = Buffer.from(given);
  let match = false;
  for (const key of expected) {
    const a = Buffer.from(key);
    if (a.length === b.length && timingSafeEqual(a, b)) match = true;
  }
  return match;
}

/** A 401 says what is missing (problem details), rather than an empty body a client cannot explain. */
export function unauthorizedBody(detail: string) {
  return {
    type: "about:blank",
    title: "Unauthorized",
    status: 401,
    detail: `A valid key is required (x-functions-key header or code query parameter): ${detail}.`,
  };
}
