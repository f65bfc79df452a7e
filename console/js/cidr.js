// @ts-check
/** IPv4 arithmetic for drawing: addresses as plain numbers (< 2^32, exact in a double). */

/** @typedef {{ text: string, start: number, size: number, prefixLength: number }} Range */

/**
 * @param {unknown} text
 * @returns {number | null}
 */
export function parseIp(text) {
  if (typeof text !== "string") return null;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (match === null) return null;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

/**
 * "10.240.0.0/12" → its range; host bits are cleared, as the planner's canonical form does.
 * @param {unknown} text
 * @returns {Range | null}
 */
export function parseCidr(text) {
  if (typeof text !== "string") return null;
  const [address, length, extra] = text.trim().split("/");
  const ip = parseIp(address);
  const prefixLength = Number(length);
  if (ip === null || extra !== undefined || !/^\d{1,2}$/.test(length ?? "") || prefixLength > 32) return null;
  const size = 2 ** (32 - prefixLength);
  return { text: text.trim(), start: Math.floor(ip / size) * size, size, prefixLength };
}

/**
 * @param {Range} outer
 * @param {Range} inner
 */
export function containsRange(outer, inner) {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

/**
 * @param {Range} range
 * @param {number} ip
 */
export function containsIp(range, ip) {
  return ip >= range.start && ip < range.start + range.size;
}

/** @param {number} value */
export function formatIp(value) {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
