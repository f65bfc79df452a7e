/**
 * CIDR arithmetic on top of `ip-address` (parsing, range ends, membership); ranges are compared as bigints.
 * Parsing is strict on purpose: whatever is accepted here is sent to ARM verbatim, so a value with surrounding
 * whitespace or a non-canonical spelling (leading zeros, upper-case IPv6) is refused with the canonical suggestion
 * instead of being trimmed for the check and sent raw (audit D9: ARM then answers InvalidCIDRNotation after the
 * resource group and identity already exist).
 */
import { Address4, Address6 } from "ip-address";

export type IpFamily = 4 | 6;

/** A range of one address family; ranges of different families never overlap or contain each other. */
export interface IpRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

export interface Cidr extends IpRange {
  family: 4;
  /** Canonical text, e.g. "10.240.0.0/16". */
  text: string;
  prefixLength: number;
  size: number;
}

export interface Cidr6 extends IpRange {
  family: 6;
  /** Canonical (RFC 5952) text, e.g. "fd12:3456:789a::/64". */
  text: string;
  prefixLength: number;
}

export type AnyCidr = Cidr | Cidr6;

export type CidrFailure = "ipv6" | "invalid" | "host-bits-set" | "whitespace" | "not-canonical";

export type ParsedCidr = { ok: true; cidr: Cidr } | { ok: false; reason: CidrFailure; canonical?: string };
export type ParsedAnyCidr = { ok: true; cidr: AnyCidr } | { ok: false; reason: CidrFailure; canonical?: string };

const hasSurroundingWhitespace = (text: string) => text !== text.trim();

/**
 * Dotted-quad IPv4 as a number, or null. Hand-rolled rather than `ip-address` because the planner parses every range
 * of every request (a few µs here against ~10 µs per Address4); octets with leading zeros are refused (some parsers read them as octal).
 */
function ipv4Value(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

const dotted = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");

function parseCidr4(text: string): ParsedCidr {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  const address = match?.[1] === undefined ? null : ipv4Value(match[1]);
  const prefixLength = Number(match?.[2] ?? "NaN");
  if (address === null || !(prefixLength >= 0 && prefixLength <= 32)) {
    return { ok: false, reason: "invalid" };
  }
  const size = 2 ** (32 - prefixLength);
  const firstValue = Math.floor(address / size) * size;
  const canonical = `${dotted(firstValue)}/${prefixLength}`;
  if (firstValue !== address) {
    return { ok: false, reason: "host-bits-set", canonical };
  }
  if (canonical !== text) {
    return { ok: false, reason: "not-canonical", canonical };
  }
  const first = BigInt(firstValue);
  return { ok: true, cidr: { family: 4, text, prefixLength, first, last: first + BigInt(size - 1), size } };
}

function parseCidr6(text: string): ParsedAnyCidr {
  if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(text) || !Address6.isValid(text)) {
    return { ok: false, reason: "invalid" };
  }
  const address = new Address6(text);
  const first = address.startAddress().bigInt();
  const last = address.endAddress().bigInt();
  const canonical = `${address.startAddress().correctForm()}/${address.subnetMask}`;
  if (address.bigInt() !== first) {
    return { ok: false, reason: "host-bits-set", canonical };
  }
  if (canonical !== text) {
    return { ok: false, reason: "not-canonical", canonical };
  }
  return { ok: true, cidr: { family: 6, text, prefixLength: address.subnetMask, first, last } };
}

/** An IPv4 network; an IPv6 one is reported as `ipv6` for fields that only take IPv4. */
export function parseCidr(text: string): ParsedCidr {
  if (hasSurroundingWhitespace(text)) return { ok: false, reason: "whitespace" };
  if (text.includes(":")) {
    return { ok: false, reason: Address6.isValid(text) ? "ipv6" : "invalid" };
  }
  return parseCidr4(text);
}

/** An IPv4 or IPv6 network (dual-stack pod and service CIDRs). */
export function parseAnyCidr(text: string): ParsedAnyCidr {
  if (hasSurroundingWhitespace(text)) return { ok: false, reason: "whitespace" };
  return text.includes(":") ? parseCidr6(text) : parseCidr4(text);
}

export type ParsedIp =
  { ok: true; value: bigint; text: string } | { ok: false; reason: "ipv6" | "invalid" | "whitespace" };

export function parseIp(text: string): ParsedIp {
  if (hasSurroundingWhitespace(text)) return { ok: false, reason: "whitespace" };
  const value = ipv4Value(text);
  if (value !== null) return { ok: true, value: BigInt(value), text };
  return { ok: false, reason: text.includes(":") && Address6.isValid(text) ? "ipv6" : "invalid" };
}

export function contains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function containsIp(range: Cidr, ip: bigint): boolean {
  return range.first <= ip && ip <= range.last;
}

/** An observed address of either family; `value` is only comparable with ranges of the same family. */
export interface AnyIp {
  family: IpFamily;
  value: bigint;
}

/**
 * An address Kubernetes or ARM reported, of either family. Unlike request fields these are read, never sent, so any
 * valid spelling is taken (an API server may print `fd00:0:0::4`); an IPv4-mapped IPv6 address stays IPv6.
 */
export function parseAnyIp(text: string): AnyIp | null {
  const v4 = ipv4Value(text);
  if (v4 !== null) return { family: 4, value: BigInt(v4) };
  if (!text.includes(":") || text.includes("/") || !Address6.isValid(text)) return null;
  return { family: 6, value: new Address6(text).bigInt() };
}

/** Whether a range holds an address; ranges and addresses of different families never match. */
export function rangeHolds(range: IpRange, ip: AnyIp): boolean {
  return range.family === ip.family && range.first <= ip.value && ip.value <= range.last;
}

/** Must-parse for a range of either family the planner already validated. */
export function anyCidrOf(text: string): AnyCidr {
  const parsed = parseAnyCidr(text);
  if (!parsed.ok) {
    throw new Error(`not a network: ${text}`);
  }
  return parsed.cidr;
}

export function ipToString(value: bigint): string {
  return Address4.fromBigInt(value).correctForm();
}

/** Must-parse for values the planner already validated. */
export function cidrOf(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) {
    throw new Error(`not an IPv4 network: ${text}`);
  }
  return parsed.cidr;
}

/** Azure keeps the first four addresses and the last one of every subnet. */
export const azureReservedPerSubnet = 5;
