/**
 * Lenient readers for raw JSON, and CIDR/IP fields parsed once with their JSON path. A field that cannot be read is
 * `null` (the schema reports why); a CIDR that does not parse keeps its violation for the syntax rule to report.
 */
import { parseAnyCidr, parseCidr, parseIp, type AnyCidr } from "./cidr.js";
import type { Violation } from "./violations.js";

export function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
export const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
export const int = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) ? value : null;
export const bool = (value: unknown): boolean | null => (typeof value === "boolean" ? value : null);
export const list = (value: unknown): unknown[] | null => (Array.isArray(value) ? (value as unknown[]) : null);

export function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

export interface CidrField {
  path: string;
  text: string;
  cidr: AnyCidr | null;
  /** Why `text` is not a usable network; null when it parsed. */
  failure: Violation | null;
}

export interface IpField {
  path: string;
  text: string;
  value: bigint | null;
  failure: Violation | null;
}

const whitespace = (path: string, text: string): Violation => ({
  path,
  code: "invalid-cidr",
  message: `'${text}' has surrounding whitespace; ARM takes the value verbatim, so give it with no surrounding whitespace`,
});

/** `families` is "ipv4" for VNet-side ranges (IPv4 only), "any" for dual-stack pod and service CIDRs. */
export function cidrField(path: string, text: string, families: "ipv4" | "any" = "ipv4"): CidrField {
  const parsed = families === "ipv4" ? parseCidr(text) : parseAnyCidr(text);
  if (parsed.ok) return { path, text, cidr: parsed.cidr, failure: null };
  const failure = ((): Violation => {
    switch (parsed.reason) {
      case "whitespace":
        return whitespace(path, text);
      case "ipv6":
        return {
          path,
          code: "ipv6-not-supported",
          message: `${text} is IPv6; this field takes IPv4 (IPv6 belongs in podCidrs/serviceCidrs of a dual-stack overlay cluster)`,
        };
      case "host-bits-set":
        return {
          path,
          code: "cidr-not-network-address",
          message: `${text} has host bits set; did you mean ${parsed.canonical ?? "the network address"}?`,
        };
      case "not-canonical":
        return {
          path,
          code: "cidr-not-canonical",
          message: `${text} is not in canonical form; give ${parsed.canonical ?? "it canonically"}`,
        };
      default:
        return {
          path,
          code: "invalid-cidr",
          message: `'${text}' is not ${families === "ipv4" ? "an IPv4" : "an IPv4 or IPv6"} CIDR such as 10.240.0.0/16`,
        };
    }
  })();
  return { path, text, cidr: null, failure };
}

export function ipField(path: string, text: string): IpField {
  const parsed = parseIp(text);
  if (parsed.ok) return { path, text, value: parsed.value, failure: null };
  const failure: Violation =
    parsed.reason === "whitespace"
      ? { ...whitespace(path, text), code: "invalid-ip" }
      : {
          path,
          code: parsed.reason === "ipv6" ? "ipv6-not-supported" : "invalid-ip",
          message: `'${text}' is not an IPv4 address`,
        };
  return { path, text, value: null, failure };
}

/** CIDR fields of a raw string array (non-strings are the schema's to report). */
export function cidrList(path: string, value: unknown, families: "ipv4" | "any" = "ipv4"): CidrField[] | null {
  const items = list(value);
  if (items === null) return null;
  return items.flatMap((item, i) => (typeof item === "string" ? [cidrField(`${path}.${i}`, item, families)] : []));
}
