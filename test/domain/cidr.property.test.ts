import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, containsIp, ipToString, overlaps, parseCidr, parseIp } from "../../src/domain/cidr.js";

const toNumber = (ip: string) => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
const networkOf = (address: number, prefix: number) =>
  prefix === 0 ? 0 : Math.floor(address / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
const dotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

const cidrArb = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefix]) => {
    const first = networkOf(address, prefix);
    return { text: `${dotted(first)}/${prefix}`, first, last: first + 2 ** (32 - prefix) - 1, prefix };
  });

describe("CIDR arithmetic (property-based)", () => {
  it("parses every canonical network with the right size and ends", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        const parsed = parseCidr(c.text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.cidr.size).toBe(2 ** (32 - c.prefix));
        expect(Number(parsed.cidr.first)).toBe(c.first);
        expect(Number(parsed.cidr.last)).toBe(c.last);
        expect(parsed.cidr.text).toBe(c.text);
      }),
    );
  });

  it("containment agrees with range comparison", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (a, b) => {
        const pa = parseCidr(a.text);
        const pb = parseCidr(b.text);
        if (!pa.ok || !pb.ok) throw new Error("unparsed");
        expect(contains(pa.cidr, pb.cidr)).toBe(a.first <= b.first && b.last <= a.last);
      }),
    );
  });

  it("overlap agrees with range intersection and is symmetric", () => {
    fc.assert(
      fc.property(cidrArb, cidrArb, (a, b) => {
        const pa = parseCidr(a.text);
        const pb = parseCidr(b.text);
        if (!pa.ok || !pb.ok) throw new Error("unparsed");
        const expected = a.first <= b.last && b.first <= a.last;
        expect(overlaps(pa.cidr, pb.cidr)).toBe(expected);
        expect(overlaps(pb.cidr, pa.cidr)).toBe(expected);
      }),
    );
  });

  it("an address is in a network exactly when it lies between its ends", () => {
    fc.assert(
      fc.property(cidrArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (c, address) => {
        const parsed = parseCidr(c.text);
        const ip = parseIp(dotted(address));
        if (!parsed.ok || !ip.ok) throw new Error("unparsed");
        expect(containsIp(parsed.cidr, ip.value)).toBe(address >= c.first && address <= c.last);
        expect(toNumber(ipToString(ip.value))).toBe(address);
      }),
    );
  });

  it("flags host bits with the canonical form, and rejects non-IPv4 text", () => {
    fc.assert(
      fc.property(
        cidrArb.filter((c) => c.prefix < 32),
        (c) => {
          const withHostBits = `${dotted(c.last)}/${c.prefix}`;
          expect(parseCidr(withHostBits)).toEqual({ ok: false, reason: "host-bits-set", canonical: c.text });
        },
      ),
    );
    expect(parseCidr("fd00::/8")).toEqual({ ok: false, reason: "ipv6" });
    for (const bad of ["10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "10.0.0.0", "", " /8", "a.b.c.d/8"]) {
      expect(parseCidr(bad).ok).toBe(false);
    }
  });
});
