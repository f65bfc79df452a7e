import { describe, expect, it } from "vitest";
import { compareModes } from "../../src/domain/recommendation.js";

describe("mode comparison", () => {
  it("shows how many VNet addresses each mode consumes for the same cluster", () => {
    const costs = Object.fromEntries(
      compareModes({ count: 3, maxSurge: 1, nodeSubnet: "10.0.0.0/24", podSubnet: "10.0.16.0/22" }).map((c) => [
        c.mode,
        c,
      ]),
    );
    expect(costs["node-subnet"]).toMatchObject({
      vnetAddressesConsumedAtSurge: 4 * 31 + 5,
      fitsInRequestedSubnets: true,
    });
    expect(costs["pod-subnet"]).toMatchObject({
      vnetAddressesConsumedAtSurge: 4 + 4 * 32 + 10,
      fitsInRequestedSubnets: true,
    });
    expect(costs.kubenet).toMatchObject({ vnetAddressesConsumedAtSurge: 9, fitsInRequestedSubnets: true });
    expect(costs.overlay!.vnetAddressesConsumedAtSurge).toBe(9);
  });

  it("says when a mode would not fit the requested subnets", () => {
    const costs = Object.fromEntries(
      compareModes({ count: 10, maxSurge: 1, nodeSubnet: "10.0.0.0/26" }).map((c) => [c.mode, c]),
    );
    expect(costs["node-subnet"]!.fitsInRequestedSubnets).toBe(false);
    expect(costs["pod-subnet"]!.fitsInRequestedSubnets).toBe(false);
    expect(costs.kubenet!.fitsInRequestedSubnets).toBe(true);
  });
});
