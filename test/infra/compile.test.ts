/**
 * infra/ as the real Bicep compiler (the version tools/bicep/bicep.csproj pins) sees it: every template and parameters
 * file builds with no error and no warning, the linter's included, so `azd up` is not the first compile.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildInfra, infraDir, runBicep, type InfraBuild } from "../../tools/infra/bicep.js";

let build: InfraBuild;

beforeAll(async () => {
  build = await buildInfra(mkdtempSync(join(tmpdir(), "infra-build-")));
}, 120_000);

describe("bicep build and build-params", () => {
  it("compiles every .bicep and .bicepparam file with 0 errors and 0 warnings", () => {
    expect(build.failed).toEqual([]);
    expect(build.diagnostics).toEqual([]);
    const sources = readdirSync(infraDir, { recursive: true, encoding: "utf8" });
    const bicep = sources.filter((f) => f.endsWith(".bicep")).map((f) => f.replace(/\.bicep$/, ".json"));
    expect([...build.templates.keys()].sort()).toEqual(bicep.sort());
    expect([...build.parameters.keys()]).toEqual(["main.parameters.json"]);
  });

  it("fills the parameters from azd's environment, with the documented defaults", () => {
    const parameters = (build.parameters.get("main.parameters.json") as { parameters: Record<string, unknown> })
      .parameters;
    expect(parameters).toEqual({
      environmentName: { value: "dev" },
      location: { value: "westus2" },
      allowedLocations: { value: "eastus2,eastus" },
      principalId: { value: "" },
      durableBackend: { value: "azureStorage" },
      durableTaskSchedulerSku: { value: "Consumption" },
      authClientId: { value: "" },
      eventGridTopic: { value: false },
      accessPolicy: { value: "" },
      callerKeys: { value: "" },
      notifyAllowedHosts: { value: "" },
    });
  });

  it("offers the same two Durable backends in main.bicep and function.bicep, Azure Storage by default", () => {
    type Template = { parameters: Record<string, { allowedValues?: string[]; defaultValue?: unknown }> };
    const main = build.templates.get("main.json") as Template;
    const fn = build.templates.get("app/function.json") as Template;
    expect(main.parameters.durableBackend?.allowedValues).toEqual(["azureStorage", "durableTaskScheduler"]);
    expect(fn.parameters.durableBackend?.allowedValues).toEqual(main.parameters.durableBackend?.allowedValues);
    expect(main.parameters.durableBackend?.defaultValue).toBe("azureStorage");
  });

  it("reports a linter warning, so a clean build means something", async () => {
    const broken = mkdtempSync(join(tmpdir(), "infra-lint-"));
    cpSync(infraDir, broken, { recursive: true });
    appendFileSync(join(broken, "app/identity.bicep"), "\nparam forgotten string = 'x'\n");
    const run = await runBicep(["build", join(broken, "app/identity.bicep"), "--stdout"]);
    expect(run.diagnostics.map((d) => `${d.level} ${d.code}`)).toEqual(["Warning no-unused-params"]);
  }, 60_000);

  it("says why each linter rule it switches off is off", () => {
    const lines = readFileSync(join(infraDir, "bicepconfig.json"), "utf8").split("\n");
    const off = lines.flatMap((line, index) => (/"level": "off"/.test(line) ? [index] : []));
    expect(off.length).toBeGreaterThan(0);
    for (const index of off) expect(lines[index - 1]?.trim(), lines[index]).toMatch(/^\/\/ /);
  });
});
