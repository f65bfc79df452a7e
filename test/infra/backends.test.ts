/**
 * What gets deployed for each choice the azd environment can make: the Durable backend (Azure Storage or the Durable
 * Task Scheduler), App Service Authentication, and the Event Grid topic. The Bicep is evaluated for each choice with
 * test/infra/bicep.ts, so these assertions are about the settings and role assignments Azure would receive.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { deployedSettingNames } from "../../src/config.js";
import { asText, BicepFile, Evaluator, isRecord, loadBicepParser, type Value } from "./bicep.js";

const infra = fileURLToPath(new URL("../../infra/", import.meta.url));
const hostJson = JSON.parse(readFileSync(new URL("../../host.json", import.meta.url), "utf8")) as {
  extensions: { durableTask: Record<string, unknown> };
};

const roles = {
  durableTaskDataContributor: "0ad04412-c4d5-4796-b79c-f76d14c8d402",
  durableTaskDataReader: "d6a5505f-6ebb-45a4-896e-ac8274cfc0ac",
  queueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  blobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  tableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  eventGridDataSender: "d5a91429-5739-47e2-a06b-3470a27159e7",
};
type Backend = "azureStorage" | "durableTaskScheduler";
const schedulerEndpoint = "https://dts-abc.westus2.durabletask.io";
const hostOverride = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";

let files: Record<"main" | "fn" | "storage" | "dts" | "events", BicepFile>;

beforeAll(async () => {
  const parser = await loadBicepParser();
  files = {
    main: new BicepFile(`${infra}main.bicep`, parser),
    fn: new BicepFile(`${infra}app/function.bicep`, parser),
    storage: new BicepFile(`${infra}app/storage.bicep`, parser),
    dts: new BicepFile(`${infra}app/durable-task-scheduler.bicep`, parser),
    events: new BicepFile(`${infra}app/event-grid.bicep`, parser),
  };
});

function record(value: Value | undefined): Record<string, Value> {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

function path(value: Value, ...keys: string[]): Value {
  return keys.reduce<Value>((current, key) => record(current)[key] ?? null, value);
}

/** A resource's body and whether it is deployed, for the given parameters. */
function resource(file: BicepFile, name: string, params: Record<string, Value>) {
  const found = file.resources().find((r) => r.name === name);
  if (found === undefined) throw new Error(`${file.path}: no resource ${name}`);
  const evaluator = new Evaluator(file, params);
  return {
    deployed: found.condition === null || evaluator.evaluate(found.condition) === true,
    body: evaluator.evaluate(found.body),
  };
}

/** A module in main.bicep: whether it is deployed and the params it receives. */
function module(name: string, params: Record<string, Value>) {
  const decl = files.main.declaration("module_declaration", name);
  const evaluator = new Evaluator(files.main, params);
  const rest = evaluator.expressionOf(decl);
  const [condition, body] = rest.type === "if_statement" ? rest.namedChildren : [null, rest];
  if (body == null) throw new Error(`odd module ${name}`);
  return {
    deployed: condition == null || evaluator.evaluate(condition) === true,
    params: record(path(evaluator.evaluate(body), "params")),
  };
}

/** The function app's settings as deployed: main.bicep's params flow into function.bicep's. */
function appSettings(mainParams: Record<string, Value>, extra: Record<string, Value> = {}) {
  const api = module("api", mainParams).params;
  const params: Record<string, Value> = {
    ...api,
    // Stand-ins for values only a deployment knows, so the test reads like the app setting would.
    identityClientId: "client-id",
    durableTaskSchedulerEndpoint: api.durableTaskSchedulerEndpoint === "" ? "" : schedulerEndpoint,
    ...extra,
  };
  const settings = resource(files.fn, "settings", params);
  const site = resource(files.fn, "site", params);
  return {
    settings: record(path(settings.body, "properties")),
    alwaysReady: path(site.body, "properties", "functionAppConfig", "scaleAndConcurrency", "alwaysReady"),
    params,
  };
}

const mainWith = (durableBackend: Backend, more: Record<string, Value> = {}) => ({
  environmentName: "dev",
  location: "westus2",
  durableBackend,
  ...more,
});

function roleAssignments(file: BicepFile, params: Record<string, Value>) {
  return file
    .resources()
    .filter((r) => r.type.startsWith("Microsoft.Authorization/roleAssignments@"))
    .flatMap((r) => {
      const evaluated = resource(file, r.name, params);
      if (!evaluated.deployed) return [];
      const bodies = Array.isArray(evaluated.body) ? evaluated.body : [evaluated.body];
      return bodies.map((body) => ({
        role:
          asText(path(body, "properties", "roleDefinitionId"))
            .split("/")
            .pop() ?? "",
        principalId: path(body, "properties", "principalId"),
        scope: path(body, "scope"),
      }));
    });
}

describe("app settings", () => {
  it("sets every setting the code reads in Azure, in every configuration that can use it", () => {
    // Optional features set their settings only when on, so look at everything switched on, per backend.
    for (const backend of ["azureStorage", "durableTaskScheduler"] as const) {
      const { settings } = appSettings(mainWith(backend, { authClientId: "app", eventGridTopic: true }));
      for (const name of deployedSettingNames) expect(Object.keys(settings)).toContain(name);
    }
  });

  it("sets the same core settings whatever the choices", () => {
    const minimal = Object.keys(appSettings(mainWith("azureStorage")).settings);
    const everything = Object.keys(
      appSettings(mainWith("durableTaskScheduler", { authClientId: "app", eventGridTopic: true })).settings,
    );
    expect(everything).toEqual(expect.arrayContaining(minimal.filter((name) => !name.includes("storageProvider"))));
  });
});

describe("Durable backend: one parameter, wired from azd to the app", () => {
  it("is a parameter of main.bicep and function.bicep with the same two choices, defaulting to Azure Storage", () => {
    const allowed = (file: BicepFile) =>
      file.root.text.match(/@allowed\(\[([^\]]*)\]\)\n(?:@.*\n)*param durableBackend /)?.[1];
    expect(allowed(files.main)).toBe("'azureStorage', 'durableTaskScheduler'");
    expect(allowed(files.fn)).toBe(allowed(files.main));
    // No silent switch of an existing environment: its task hub data would stay behind.
    const { durableBackend: _chosen, ...withoutChoice } = mainWith("azureStorage");
    expect(module("api", withoutChoice).params.durableBackend).toBe("azureStorage");
  });

  it("is read from the azd environment (DURABLE_BACKEND) and reported back as an output", () => {
    const parameters = JSON.parse(readFileSync(`${infra}main.parameters.json`, "utf8")) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters.durableBackend?.value).toBe("${DURABLE_BACKEND=azureStorage}");
    expect(parameters.parameters.durableTaskSchedulerSku?.value).toBe("${DURABLE_TASK_SCHEDULER_SKU=Consumption}");
    expect(files.main.declaration("output_declaration", "DURABLE_BACKEND")).toBeDefined();
  });

  it("main.parameters.json names only parameters main.bicep declares, and every required one", () => {
    const parameters = JSON.parse(readFileSync(`${infra}main.parameters.json`, "utf8")) as {
      parameters: Record<string, unknown>;
    };
    const declared = files.main.declarations("parameter_declaration");
    const names = declared.map((d) => d.namedChildren[0]?.text ?? "");
    const required = declared.filter((d) => d.namedChildren.length < 3).map((d) => d.namedChildren[0]?.text ?? "");
    expect(names).toEqual(expect.arrayContaining(Object.keys(parameters.parameters)));
    expect(Object.keys(parameters.parameters)).toEqual(expect.arrayContaining(required));
  });

  it("keeps host.json backend-neutral: no storageProvider, the hub name comes from DURABLE_TASK_HUB", () => {
    expect(hostJson.extensions.durableTask.storageProvider).toBeUndefined();
    expect(hostJson.extensions.durableTask.hubName).toBe("%DURABLE_TASK_HUB%");
  });
});

describe("Durable backend: Azure Storage", () => {
  it("tunes queue polling for Flex Consumption (≤ 10 s) and keeps the storage provider the default", () => {
    const { settings } = appSettings(mainWith("azureStorage"));
    expect(settings[`${hostOverride}maxQueuePollingInterval`]).toBe("00:00:05");
    expect(settings[`${hostOverride}type`]).toBeUndefined();
    expect(settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING).toBeUndefined();
  });

  it("formats a polling interval of 10 s as a TimeSpan", () => {
    const { settings } = appSettings(mainWith("azureStorage"), { queuePollingIntervalSeconds: 10 });
    expect(settings[`${hostOverride}maxQueuePollingInterval`]).toBe("00:00:10");
  });

  it("keeps one always-ready instance for the durable group", () => {
    expect(appSettings(mainWith("azureStorage")).alwaysReady).toEqual([{ name: "durable", instanceCount: 1 }]);
  });

  it("deploys no scheduler and grants the app blob, queue and table data roles on its storage", () => {
    expect(module("scheduler", mainWith("azureStorage")).deployed).toBe(false);
    expect(appSettings(mainWith("azureStorage")).params.durableTaskSchedulerEndpoint).toBe("");
    const storage = module("storage", mainWith("azureStorage")).params;
    expect(storage.grantQueueData).toBe(true);
    const granted = roleAssignments(files.storage, { ...storage, dataPrincipalIds: ["app"], readerPrincipalId: "" });
    expect(granted.map((g) => g.role).sort()).toEqual(
      [roles.blobDataOwner, roles.queueDataContributor, roles.tableDataContributor].sort(),
    );
    expect(granted.every((g) => g.principalId === "app" && g.scope === "<storage>")).toBe(true);
  });
});

describe("Durable backend: Durable Task Scheduler", () => {
  it("switches the storage provider with app settings: azureManaged, through an identity-based connection", () => {
    const { settings } = appSettings(mainWith("durableTaskScheduler"));
    expect(settings[`${hostOverride}type`]).toBe("azureManaged");
    const connectionName = settings[`${hostOverride}connectionStringName`];
    expect(connectionName).toBe("DURABLE_TASK_SCHEDULER_CONNECTION_STRING");
    expect(settings[asText(connectionName ?? null)]).toBe(
      `Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=client-id`,
    );
    expect(settings[`${hostOverride}maxQueuePollingInterval`]).toBeUndefined();
  });

  it("points the app at the scheduler module's endpoint and the same task hub name", () => {
    const api = module("api", mainWith("durableTaskScheduler")).params;
    const scheduler = module("scheduler", mainWith("durableTaskScheduler"));
    expect(scheduler.deployed).toBe(true);
    expect(api.durableTaskSchedulerEndpoint).toBe("<scheduler.outputs.endpoint>");
    expect(scheduler.params.taskHubName).toBe(api.taskHubName);
    expect(appSettings(mainWith("durableTaskScheduler")).settings.DURABLE_TASK_HUB).toBe(api.taskHubName);
  });

  it("scales from zero: no always-ready instances", () => {
    expect(appSettings(mainWith("durableTaskScheduler")).alwaysReady).toEqual([]);
  });

  it("grants the app Durable Task Data Contributor on the task hub, and the deploying user only read access", () => {
    const params = module("scheduler", mainWith("durableTaskScheduler", { principalId: "me" })).params;
    expect(params.appPrincipalId).toBe("<identity.outputs.principalId>");
    expect(params.dashboardPrincipalId).toBe("me");
    const granted = roleAssignments(files.dts, params);
    expect(granted).toEqual([
      { role: roles.durableTaskDataContributor, principalId: "<identity.outputs.principalId>", scope: "<taskHub>" },
      { role: roles.durableTaskDataReader, principalId: "me", scope: "<taskHub>" },
    ]);
    expect(roleAssignments(files.dts, { ...params, dashboardPrincipalId: "" })).toHaveLength(1);
  });

  it("drops the queue data role the app no longer needs, and keeps blob and table", () => {
    const storage = module("storage", mainWith("durableTaskScheduler")).params;
    expect(storage.grantQueueData).toBe(false);
    const granted = roleAssignments(files.storage, { ...storage, dataPrincipalIds: ["app"], readerPrincipalId: "" });
    expect(granted.map((g) => g.role).sort()).toEqual([roles.blobDataOwner, roles.tableDataContributor].sort());
  });

  it("creates a keyless scheduler reachable from the app, on the chosen SKU", () => {
    const consumption = resource(files.dts, "scheduler", { skuName: "Consumption" }).body;
    expect(path(consumption, "properties", "sku")).toEqual({ name: "Consumption" });
    // An empty IP allow-list denies all traffic; access control is the role assignment above.
    expect(path(consumption, "properties", "ipAllowlist")).toEqual(["0.0.0.0/0"]);
    const dedicated = resource(files.dts, "scheduler", { skuName: "Dedicated" }).body;
    expect(path(dedicated, "properties", "sku")).toEqual({ name: "Dedicated", capacity: 1 });
  });
});

describe("App Service Authentication (Easy Auth)", () => {
  it("is off without a client id: no authsettingsV2, no EASY_AUTH_ENABLED", () => {
    const { params, settings } = appSettings(mainWith("azureStorage"));
    expect(params.authClientId).toBe("");
    expect(resource(files.fn, "auth", params).deployed).toBe(false);
    expect(settings.EASY_AUTH_ENABLED).toBeUndefined();
  });

  it("with a client id validates Entra tokens for that app but lets key-only callers through", () => {
    const { params, settings } = appSettings(mainWith("azureStorage", { authClientId: "11111111-2222" }));
    const auth = resource(files.fn, "auth", params);
    expect(auth.deployed).toBe(true);
    expect(path(auth.body, "name")).toBe("authsettingsV2");
    expect(path(auth.body, "properties", "platform", "enabled")).toBe(true);
    expect(path(auth.body, "properties", "globalValidation")).toEqual({
      requireAuthentication: false,
      unauthenticatedClientAction: "AllowAnonymous",
    });
    const aad = path(auth.body, "properties", "identityProviders", "azureActiveDirectory");
    expect(path(aad, "registration", "clientId")).toBe("11111111-2222");
    expect(path(aad, "validation", "allowedAudiences")).toEqual(["11111111-2222", "api://11111111-2222"]);
    expect(settings.EASY_AUTH_ENABLED).toBe("true");
  });

  it("takes the client id from AUTH_CLIENT_ID", () => {
    const parameters = readFileSync(`${infra}main.parameters.json`, "utf8");
    expect(parameters).toContain('"authClientId": { "value": "${AUTH_CLIENT_ID=}" }');
  });
});

describe("Event Grid topic for completion events", () => {
  it("is not deployed by default, and the app gets no topic endpoint", () => {
    expect(module("events", mainWith("azureStorage")).deployed).toBe(false);
    expect(appSettings(mainWith("azureStorage")).settings.EVENT_GRID_TOPIC_ENDPOINT).toBeUndefined();
  });

  it("when enabled, gives the app the topic endpoint and EventGrid Data Sender on that topic only", () => {
    const events = module("events", mainWith("azureStorage", { eventGridTopic: true }));
    expect(events.deployed).toBe(true);
    expect(events.params.senderPrincipalId).toBe("<identity.outputs.principalId>");
    const { settings } = appSettings(mainWith("azureStorage", { eventGridTopic: true }));
    expect(settings.EVENT_GRID_TOPIC_ENDPOINT).toBe("<events.outputs.endpoint>");
    expect(roleAssignments(files.events, events.params)).toEqual([
      { role: roles.eventGridDataSender, principalId: "<identity.outputs.principalId>", scope: "<topic>" },
    ]);
  });

  it("accepts CloudEvents 1.0 and Entra ID tokens only (no access keys)", () => {
    const topic = resource(files.events, "topic", { name: "evgt" }).body;
    expect(path(topic, "properties", "inputSchema")).toBe("CloudEventSchemaV1_0");
    expect(path(topic, "properties", "disableLocalAuth")).toBe(true);
  });

  it("is switched by EVENT_GRID_TOPIC in the azd environment", () => {
    const parameters = readFileSync(`${infra}main.parameters.json`, "utf8");
    expect(parameters).toContain('"eventGridTopic": { "value": "${EVENT_GRID_TOPIC=false}" }');
  });
});
