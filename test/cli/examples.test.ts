import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatPlan, formatViolations, table } from "../../cli/src/format.js";
import { networkModes } from "../../src/domain/networkModes.js";
import { planCluster } from "../../src/domain/planner.js";

const examples = fileURLToPath(new URL("../../docs/examples", import.meta.url));

/** An example's file name starts with its mode: overlay.json, overlay-dual-stack.json, pod-subnet-static-block.json. */
const modeOf = (file: string) =>
  [...networkModes].sort((a, b) => b.length - a.length).find((mode) => file.startsWith(mode)) ?? "?";

describe("documented example requests", () => {
  const files = readdirSync(examples).filter((file) => file.endsWith(".json"));

  it.each(files)("%s plans cleanly in its own mode", (file) => {
    const input = JSON.parse(readFileSync(`${examples}/${file}`, "utf8"));
    const result = planCluster(input);
    expect(result.ok, JSON.stringify(!result.ok && result.violations)).toBe(true);
    if (result.ok) expect(result.plan.mode).toBe(modeOf(file));
  });

  it("covers the 2026 networking set, and none asks for the GA-since-2022 PodSubnetPreview flag", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "overlay-cilium.json",
        "pod-subnet-static-block.json",
        "overlay-private-nat-gateway.json",
        "overlay-udr-egress.json",
        "overlay-dual-stack.json",
        "overlay-user-pools.json",
      ]),
    );
    for (const file of files) {
      expect(readFileSync(`${examples}/${file}`, "utf8")).not.toContain("PodSubnetPreview");
    }
  });
});

describe("CLI formatting", () => {
  it("aligns table columns", () => {
    expect(
      table(
        ["A", "LONGER"],
        [
          ["x", "y"],
          ["wide cell", "z"],
        ],
      ).split("\n"),
    ).toEqual(["A          LONGER", "---------  ------", "x          y", "wide cell  z"]);
  });

  it("prints the plan with consumption at surge, and violations with paths", () => {
    const result = planCluster(JSON.parse(readFileSync(`${examples}/pod-subnet.json`, "utf8")));
    if (!result.ok) throw new Error("example should plan");
    const text = formatPlan(result.plan);
    expect(text).toContain("pod IPs from the pod-subnet");
    expect(text).toMatch(/snet-pods\s+pod\s+10\.242\.0\.0\/16\s+65531\s+96\s+128/);
    expect(
      formatViolations([{ path: "network.dnsServiceIp", code: "dns-ip-is-network-address", message: "no" }]),
    ).toContain("network.dnsServiceIp  dns-ip-is-network-address");
  });
});
