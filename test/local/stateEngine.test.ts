import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimStateFolder, EngineMismatchError } from "../../local/durable-extension/stateEngine.js";

const folder = () => mkdtempSync(join(tmpdir(), "engine-"));

describe("a state folder's Durable engine", () => {
  it("is claimed by the first engine and kept by it", () => {
    const dir = folder();
    claimStateFolder(dir, "extension");
    expect(() => claimStateFolder(dir, "extension")).not.toThrow();
    expect(() => claimStateFolder(dir, "local")).toThrow(EngineMismatchError);
    expect(() => claimStateFolder(dir, "local")).toThrow(/DURABLE_ENGINE=extension/);
  });

  it("is the local engine's for Azurite data written before engines were recorded", () => {
    const dir = folder();
    writeFileSync(join(dir, "__azurite_db_table__.json"), "{}");
    expect(() => claimStateFolder(dir, "extension")).toThrow(/holds runs of the local Durable engine/);
    expect(() => claimStateFolder(dir, "local")).not.toThrow();
  });
});
