/** docs/pipelines.md's Azure Pipelines example as a pipeline would run it: every aks-provision step gets the key. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const page = readFileSync(new URL("../../docs/pipelines.md", import.meta.url), "utf8");

describe("the Azure Pipelines example", () => {
  it("maps the secret key into every step that runs aks-provision (Azure Pipelines passes secrets only mapped)", () => {
    const section = page.slice(page.indexOf("## Azure Pipelines"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const steps = (parse(yaml ?? "") as { steps: { script?: string; env?: Record<string, string> }[] }).steps;
    const cliSteps = steps.filter((step) => step.script?.includes("aks-provision ") === true);
    expect(cliSteps.length).toBeGreaterThanOrEqual(2);
    for (const step of cliSteps)
      expect(step.env, step.script).toMatchObject({ AKS_PROVISIONING_KEY: expect.any(String) });
  });
});

describe("npm pack's tarball", () => {
  it("is ignored by git, so packing the CLI as docs/pipelines.md says leaves the checkout clean", () => {
    const root = new URL("../..", import.meta.url).pathname;
    const name = `aks-provisioning-api-0.1.0.tgz`;
    expect(execFileSync("git", ["check-ignore", name], { cwd: root, encoding: "utf8" }).trim()).toBe(name);
  });
});
