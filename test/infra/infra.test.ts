/**
 * No Bicep compiler is reachable here, so the infra is checked two ways: every file parses with the tree-sitter Bicep
 * grammar, and the invariants that matter hold (settings the code reads are set, no storage keys, least privilege).
 */
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Language, Parser } from "web-tree-sitter";
import { localOnlySettingNames } from "../../src/config.js";

const infra = fileURLToPath(new URL("../../infra", import.meta.url));
const bicepFiles = [
  join(infra, "main.bicep"),
  ...readdirSync(join(infra, "app"))
    .filter((f) => f.endsWith(".bicep"))
    .map((f) => join(infra, "app", f)),
];
const read = (file: string) => readFileSync(file, "utf8");
const allBicep = bicepFiles.map(read).join("\n");
let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const language = await Language.load(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm"));
  parser = new Parser();
  parser.setLanguage(language);
});

describe("Bicep syntax", () => {
  it.each(bicepFiles.map((file) => [file.slice(infra.length + 1), file]))("%s parses without errors", (_name, file) => {
    const tree = parser.parse(read(file));
    expect(tree?.rootNode.hasError).toBe(false);
  });

  it("the grammar does catch broken Bicep", () => {
    expect(
      parser.parse("resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n")?.rootNode.hasError,
    ).toBe(true);
  });

  it("every module path main.bicep references exists", () => {
    const modules = [...read(join(infra, "main.bicep")).matchAll(/module \w+ '([^']+)'/g)].map((m) => m[1] ?? "");
    expect(modules.length).toBeGreaterThan(3);
    for (const path of modules) expect(bicepFiles).toContain(join(infra, path));
  });
});

describe("infra invariants", () => {
  it("deploys no local-only or secret setting", () => {
    for (const name of localOnlySettingNames) expect(allBicep).not.toContain(`${name}:`);
  });

  it("uses no storage key anywhere: shared key off, identity-based AzureWebJobsStorage", () => {
    expect(allBicep).not.toMatch(/listKeys|AccountKey=|primaryKey|connectionString\s*:\s*'DefaultEndpointsProtocol/i);
    expect(read(join(infra, "app/storage.bicep"))).toMatch(/allowSharedKeyAccess: false/);
    expect(read(join(infra, "app/function.bicep"))).toMatch(/AzureWebJobsStorage__credential: 'managedidentity'/);
    expect(read(join(infra, "app/function.bicep"))).not.toMatch(/AzureWebJobsStorage:/);
  });

  it("gives the app the storage data roles Durable Functions needs (blob, queue, table)", () => {
    const storage = read(join(infra, "app/storage.bicep"));
    for (const role of [
      "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
      "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
      "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    ])
      expect(storage).toContain(role);
  });

  it("runs on Flex Consumption with Node 22", () => {
    const fn = read(join(infra, "app/function.bicep"));
    expect(fn).toMatch(/tier: 'FlexConsumption'/);
    expect(fn).toMatch(/name: 'node'\s+version: '22'/);
  });

  it("limits role assignment to Network Contributor with an ABAC condition", () => {
    const rights = read(join(infra, "app/provisioning-rights.bicep"));
    expect(rights).toContain("f58310d9-a9f6-439a-9e8d-f62e7b41a168"); // Role Based Access Control Administrator
    expect(rights).toMatch(/condition: onlyNetworkContributor/);
    expect(rights).toMatch(/conditionVersion: '2.0'/);
    expect(rights).toMatch(
      /@Request\[Microsoft.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{\$\{roles.networkContributor\}\}/,
    );
    expect(rights).toContain("4d97b98b-1d4f-4787-a291-c67834d212e7");
    // Neither Owner nor User Access Administrator.
    expect(allBicep).not.toMatch(/8e3af657-a8ff-443c-a75c-2fe8c4bcb635|18d7d88d-d35e-4fb5-a5c3-7773c20a72d9/);
  });
});
