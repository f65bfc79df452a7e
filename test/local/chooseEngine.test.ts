import { describe, expect, it } from "vitest";
import { chooseEngine, EngineChoiceError } from "../../local/durable-extension/choose.js";

describe("npm start's Durable engine", () => {
  const withDotnet = () => true;
  const withoutDotnet = () => false;

  it("is the real extension where dotnet is installed, the local engine elsewhere", () => {
    expect(chooseEngine(undefined, withDotnet)).toBe("extension");
    expect(chooseEngine("", withDotnet)).toBe("extension");
    expect(chooseEngine(undefined, withoutDotnet)).toBe("local");
  });

  it("is what DURABLE_ENGINE asks for", () => {
    expect(chooseEngine("local", withDotnet)).toBe("local");
    expect(chooseEngine("extension", withDotnet)).toBe("extension");
  });

  it("refuses an unknown engine, and the extension without dotnet, in one line", () => {
    expect(() => chooseEngine("Extension", withDotnet)).toThrow(EngineChoiceError);
    expect(() => chooseEngine("extension", withoutDotnet)).toThrow(/needs the .NET SDK/);
  });
});
