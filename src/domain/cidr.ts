/**
 * IPv4 CIDR arithmetic on top of `ip-address` (parsing, range ends, membership); ranges are compared as bigints.
 */
import { Address4, Address6 } from "ip-address";

export interface Cidr {
  /** Canonical text, e.g. "10.240.0.0/16". */
  text: string;
  prefixLength: number;
  first: bigint;
  last: bigint;
  size: number;
}

export type ParsedCidr =
  { ok: true; cidr: Cidr } | { ok: false; reason: "ipv6" | "invalid" | "host-bits-set"; canonical?: string };

export function parseCidr(text: string): ParsedCidr {
  const trimmed = text.trim();
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(trimmed)) {
    return { ok: false, reason: trimmed.includes(":") && Address6.isValid(trimmed) ? "ipv6" : "invalid" };
  }
  if (!Address4.isValid(trimmed)) {
    return { ok: false, reason: "invalid" };
  }
  const address = new Address4(trimmed);
  const first = address.startAddress().bigInt();
  const last = address.endAddress().bigInt();
  const canonical = `${address.startAddress().correctForm()}/${address.subnetMask}`;
  if (address.bigInt() !== first) {
    return { ok: false, reason: "host-bits-set", canonical };
  }
  return {
    ok: true,
    cidr: { text: canonical, prefixLength: address.subnetMask, first, last, size: 2 ** (32 - address.subnetMask) },
  };
}

export type ParsedIp = { ok: true; value: bigint; text: string } | { ok: false; reason: "ipv6" | "invalid" };

export function parseIp(text: string): ParsedIp {
  const trimmed = text.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed) && Address4.isValid(trimmed)) {
    const address = new Address4(trimmed);
    return { ok: true, value: address.bigInt(), text: address.correctForm() };
  }
  return { ok: false, reason: trimmed.includes(":") && Address6.isValid(trimmed) ? "ipv6" : "invalid" };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function containsIp(range: Cidr, ip: bigint): boolean {
  return range.first <= ip && ip <= range.last;
}

export function ipToString(value: bigint): string {
  return Address4.fromBigInt(value).correctForm();
}

/** Must-parse for values the schema already validated. */
export function cidrOf(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) {
    throw new Error(`not an IPv4 network: ${text}`);
  }
  return parsed.cidr;
}

/** Azure keeps the first four addresses and the last one of every subnet. */
export const azureReservedPerSubnet = 5;
