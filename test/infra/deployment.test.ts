/**
 * What `azd up` deploys for each choice its environment can make (the Durable backend, App Service Authentication,
 * the Event Grid topic): main.bicepparam evaluated by the real Bicep CLI (`bicep snapshot`, ARM's template engine),
 * modules, conditions and loops expanded. The assertions are on the resources, settings and role assignments ARM
 * would receive.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { deployedSettingNames, localOnlySettingNames } from "../../src/config.js";
import { snapshotDeployment, snapshotTarget, type Snapshot } from "../../tools/infra/bicep.js";
import { appSettings, fromIdentity, grants, only, resourcesOf, type Grant } from "./deployment.js";

const roles = {
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  durableTaskDataContributor: "0ad04412-c4d5-4796-b79c-f76d14c8d402",
  durableTaskDataReader: "d6a5505f-6ebb-45a4-896e-ac8274cfc0ac",
  queueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  blobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  blobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  tableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  eventGridDataSender: "d5a91429-5739-47e2-a06b-3470a27159e7",
};
const hostOverride = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__";
const me = "11111111-1111-1111-1111-111111111111";
const authClientId = "22222222-2222-2222-2222-222222222222";
const app = "[<app identity>.principalId]";
const receivers = "hooks.contoso.example,*.ci.contoso.example";
const everything = {
  AUTH_CLIENT_ID: authClientId,
  EVENT_GRID_TOPIC: "true",
  AZURE_PRINCIPAL_ID: me,
  NOTIFY_ALLOWED_HOSTS: receivers,
};

/** One deployment per choice, named by what azd's environment says. */
const choices = {
  defaults: {},
  storageWithEverything: everything,
  scheduler: { DURABLE_BACKEND: "durableTaskScheduler" },
  schedulerWithEverything: {
    ...everything,
    DURABLE_BACKEND: "durableTaskScheduler",
    DURABLE_TASK_SCHEDULER_SKU: "Dedicated",
  },
};
const deployed = {} as Record<keyof typeof choices, Snapshot>;

beforeAll(async () => {
  const names = Object.keys(choices) as (keyof typeof choices)[];
  const snapshots = await Promise.all(names.map((name) => snapshotDeployment(choices[name])));
  names.forEach((name, index) => (deployed[name] = snapshots[index] as Snapshot));
}, 180_000);

const idOf = (snapshot: Snapshot, type: string) => only(snapshot, type).id;
const grantsOn = (snapshot: Snapshot, type: string) => grants(snapshot).filter((g) => g.scope === idOf(snapshot, type));
const roleNames = (list: Grant[]) => list.map((g) => g.role).sort();

describe("app settings", () => {
  it("sets every setting the code reads in Azure, with every option on, on either backend", () => {
    for (const snapshot of [deployed.storageWithEverything, deployed.schedulerWithEverything])
      expect(Object.keys(appSettings(snapshot))).toEqual(expect.arrayContaining([...deployedSettingNames]));
  });

  it("sets the same core settings whatever the choices", () => {
    const minimal = Object.keys(appSettings(deployed.defaults)).filter((name) => !name.startsWith(hostOverride));
    expect(Object.keys(appSettings(deployed.schedulerWithEverything))).toEqual(expect.arrayContaining(minimal));
  });

  it("deploys no local-only setting and no storage key: storage is reached with the app's identity", () => {
    for (const snapshot of Object.values(deployed)) {
      const settings = appSettings(snapshot);
      for (const name of localOnlySettingNames) expect(settings).not.toHaveProperty(name);
      expect(settings).not.toHaveProperty("AzureWebJobsStorage");
      expect(settings.AzureWebJobsStorage__credential).toBe("managedidentity");
      expect(fromIdentity(snapshot, settings.AzureWebJobsStorage__clientId)).toBe("[<app identity>.clientId]");
      expect(JSON.stringify(snapshot)).not.toMatch(/listKeys|AccountKey=|primaryKey/i);
      const storage = only(snapshot, "Microsoft.Storage/storageAccounts").properties;
      expect(storage).toMatchObject({ allowSharedKeyAccess: false, allowBlobPublicAccess: false });
    }
  });

  it("sets none of the settings Flex Consumption rejects: the runtime and the package live in functionAppConfig", () => {
    const rejected = [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "WEBSITE_CONTENTSHARE",
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
      "ENABLE_ORYX_BUILD",
    ];
    for (const snapshot of Object.values(deployed))
      expect(Object.keys(appSettings(snapshot)).filter((name) => rejected.includes(name))).toEqual([]);
  });

  it("lets the app provision in the subscription it is deployed to", () => {
    expect(appSettings(deployed.defaults).ALLOWED_SUBSCRIPTION_IDS).toBe(snapshotTarget.subscriptionId);
    expect(appSettings(deployed.defaults).ALLOWED_LOCATIONS).toBe("eastus2,eastus");
  });
});

describe("the function app", () => {
  it("runs on Flex Consumption, Node 22, as its user-assigned identity, HTTPS only", () => {
    const plan = only(deployed.defaults, "Microsoft.Web/serverfarms");
    expect(plan.sku).toEqual({ tier: "FlexConsumption", name: "FC1" });
    const site = only(deployed.defaults, "Microsoft.Web/sites");
    expect(site.properties?.functionAppConfig).toMatchObject({ runtime: { name: "node", version: "22" } });
    expect(site.properties?.httpsOnly).toBe(true);
    const identity = idOf(deployed.defaults, "Microsoft.ManagedIdentity/userAssignedIdentities");
    expect(site.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [identity]: {} } });
    expect(site.tags?.["azd-service-name"]).toBe("api");
  });

  it("takes its package from the storage account's app-package container, with its identity", () => {
    const site = only(deployed.defaults, "Microsoft.Web/sites");
    const deployment = (site.properties?.functionAppConfig as { deployment: { storage: Record<string, unknown> } })
      .deployment.storage;
    expect(deployment.type).toBe("blobContainer");
    expect(deployment.value).toContain("'app-package'");
    expect(only(deployed.defaults, "Microsoft.Storage/storageAccounts/blobServices/containers").name).toMatch(
      /\/default\/app-package$/,
    );
  });
});

describe("least privilege", () => {
  it("grants nothing beyond the listed roles with the defaults", () => {
    const subscription = `/subscriptions/${snapshotTarget.subscriptionId}`;
    const storage = idOf(deployed.defaults, "Microsoft.Storage/storageAccounts");
    const insights = idOf(deployed.defaults, "Microsoft.Insights/components");
    const sort = (list: Grant[]) =>
      [...list].sort((a, b) => `${a.scope}${a.role}`.localeCompare(`${b.scope}${b.role}`));
    const servicePrincipal = (role: string, scope: string) => ({
      role,
      scope,
      principal: app,
      principalType: "ServicePrincipal",
    });
    expect(sort(grants(deployed.defaults))).toEqual(
      sort([
        servicePrincipal(roles.contributor, subscription),
        servicePrincipal(roles.rbacAdministrator, subscription),
        servicePrincipal(roles.monitoringMetricsPublisher, insights),
        servicePrincipal(roles.blobDataOwner, storage),
        servicePrincipal(roles.queueDataContributor, storage),
        servicePrincipal(roles.tableDataContributor, storage),
      ]),
    );
  });

  it("lets the app assign (and remove) only Network Contributor, and never grants Owner or User Access Admin", () => {
    const grantor = resourcesOf(deployed.defaults, "Microsoft.Authorization/roleAssignments").find((r) =>
      String(r.properties?.roleDefinitionId).endsWith(roles.rbacAdministrator),
    );
    const condition = String(grantor?.properties?.condition);
    expect(grantor?.properties?.conditionVersion).toBe("2.0");
    for (const side of ["@Request", "@Resource"])
      expect(condition).toContain(
        `${side}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ` +
          `{${roles.networkContributor}}`,
      );
    for (const snapshot of Object.values(deployed))
      for (const g of grants(snapshot)) expect([roles.owner, roles.userAccessAdministrator]).not.toContain(g.role);
  });

  it("gives the deploying user read access only, and only when azd knows who that is", () => {
    const mine = (snapshot: Snapshot) => grants(snapshot).filter((g) => g.principal === me);
    expect(mine(deployed.defaults)).toEqual([]);
    expect(mine(deployed.schedulerWithEverything).map((g) => [g.role, g.principalType])).toEqual(
      expect.arrayContaining([
        [roles.blobDataReader, "User"],
        [roles.durableTaskDataReader, "User"],
      ]),
    );
    expect(mine(deployed.schedulerWithEverything)).toHaveLength(2);
  });
});

describe("Durable backend: Azure Storage (the default)", () => {
  it("tunes queue polling for Flex Consumption (≤ 10 s) and keeps the default storage provider", () => {
    const settings = appSettings(deployed.defaults);
    expect(settings[`${hostOverride}maxQueuePollingInterval`]).toBe("00:00:05");
    expect(settings).not.toHaveProperty(`${hostOverride}type`);
    expect(settings).not.toHaveProperty("DURABLE_TASK_SCHEDULER_CONNECTION_STRING");
    expect(deployed.defaults.outputs?.DURABLE_BACKEND).toBe("azureStorage");
  });

  it("keeps one always-ready instance for the durable group", () => {
    const site = only(deployed.defaults, "Microsoft.Web/sites");
    expect(site.properties?.functionAppConfig).toMatchObject({
      scaleAndConcurrency: { alwaysReady: [{ name: "durable", instanceCount: 1 }] },
    });
  });

  it("deploys no scheduler and grants the app blob, queue and table data on its storage", () => {
    expect(resourcesOf(deployed.defaults, "Microsoft.DurableTask/schedulers")).toEqual([]);
    const storage = grantsOn(deployed.defaults, "Microsoft.Storage/storageAccounts");
    expect(roleNames(storage)).toEqual(
      [roles.blobDataOwner, roles.queueDataContributor, roles.tableDataContributor].sort(),
    );
  });
});

describe("Durable backend: Durable Task Scheduler", () => {
  const scheduler = (snapshot: Snapshot) => only(snapshot, "Microsoft.DurableTask/schedulers");

  it("switches the storage provider with app settings: azureManaged, through an identity-based connection", () => {
    const snapshot = deployed.scheduler;
    const settings = appSettings(snapshot);
    expect(settings[`${hostOverride}type`]).toBe("azureManaged");
    expect(settings[`${hostOverride}connectionStringName`]).toBe("DURABLE_TASK_SCHEDULER_CONNECTION_STRING");
    const { id, apiVersion } = scheduler(snapshot);
    expect(fromIdentity(snapshot, settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING)).toBe(
      `[format('Endpoint={0};Authentication=ManagedIdentity;ClientID={1}', ` +
        `reference('${id}', '${apiVersion}').endpoint, <app identity>.clientId)]`,
    );
    expect(settings).not.toHaveProperty(`${hostOverride}maxQueuePollingInterval`);
    expect(snapshot.outputs?.DURABLE_BACKEND).toBe("durableTaskScheduler");
  });

  it("runs the app on the scheduler's one task hub, under the name the app uses", () => {
    const hubs = resourcesOf(deployed.scheduler, "Microsoft.DurableTask/schedulers/taskHubs");
    expect(hubs.map((h) => h.name)).toEqual([`${scheduler(deployed.scheduler).name}/AksProvisioning`]);
    expect(appSettings(deployed.scheduler).DURABLE_TASK_HUB).toBe("AksProvisioning");
  });

  it("scales from zero: no always-ready instances", () => {
    expect(only(deployed.scheduler, "Microsoft.Web/sites").properties?.functionAppConfig).toMatchObject({
      scaleAndConcurrency: { alwaysReady: [] },
    });
  });

  it("grants the app Durable Task Data Contributor on the task hub, the deploying user only read access", () => {
    const onHub = (snapshot: Snapshot) => grantsOn(snapshot, "Microsoft.DurableTask/schedulers/taskHubs");
    expect(onHub(deployed.scheduler).map((g) => [g.role, g.principal])).toEqual([
      [roles.durableTaskDataContributor, app],
    ]);
    expect(onHub(deployed.schedulerWithEverything).map((g) => [g.role, g.principal])).toEqual([
      [roles.durableTaskDataContributor, app],
      [roles.durableTaskDataReader, me],
    ]);
  });

  it("drops the queue data role the app no longer needs, and keeps blob and table", () => {
    const storage = grantsOn(deployed.scheduler, "Microsoft.Storage/storageAccounts");
    expect(roleNames(storage)).toEqual([roles.blobDataOwner, roles.tableDataContributor].sort());
  });

  it("creates a keyless scheduler reachable from the app, on the chosen SKU", () => {
    expect(scheduler(deployed.scheduler).properties).toEqual({
      sku: { name: "Consumption" },
      // An empty IP allow-list denies all traffic; access control is the role assignment above.
      ipAllowlist: ["0.0.0.0/0"],
    });
    expect(scheduler(deployed.schedulerWithEverything).properties?.sku).toEqual({ name: "Dedicated", capacity: 1 });
  });
});

describe("App Service Authentication (Easy Auth)", () => {
  const auth = (snapshot: Snapshot) =>
    resourcesOf(snapshot, "Microsoft.Web/sites/config").filter((r) => r.name.endsWith("/authsettingsV2"));

  it("is off without AUTH_CLIENT_ID: no authsettingsV2, no EASY_AUTH_ENABLED", () => {
    expect(auth(deployed.defaults)).toEqual([]);
    expect(appSettings(deployed.defaults)).not.toHaveProperty("EASY_AUTH_ENABLED");
  });

  it("with a client id validates Entra tokens for that app but lets key-only callers through", () => {
    const [settings] = auth(deployed.storageWithEverything);
    expect(settings?.properties).toMatchObject({
      platform: { enabled: true },
      globalValidation: { requireAuthentication: false, unauthenticatedClientAction: "AllowAnonymous" },
      identityProviders: {
        azureActiveDirectory: {
          enabled: true,
          registration: { clientId: authClientId },
          validation: { allowedAudiences: [authClientId, `api://${authClientId}`] },
        },
      },
      login: { tokenStore: { enabled: false } },
    });
    const issuer = JSON.stringify(settings?.properties);
    expect(issuer).toContain(`'${snapshotTarget.tenantId}'`);
    expect(appSettings(deployed.storageWithEverything).EASY_AUTH_ENABLED).toBe("true");
  });
});

describe("webhook receiver allow-list", () => {
  it("is off by default and, with NOTIFY_ALLOWED_HOSTS in azd's environment, reaches the app as that setting", () => {
    expect(appSettings(deployed.defaults)).not.toHaveProperty("NOTIFY_ALLOWED_HOSTS");
    for (const snapshot of [deployed.storageWithEverything, deployed.schedulerWithEverything])
      expect(appSettings(snapshot).NOTIFY_ALLOWED_HOSTS).toBe(receivers);
  });
});

describe("Event Grid topic for completion events", () => {
  it("is not deployed by default, and the app gets no topic endpoint", () => {
    expect(resourcesOf(deployed.defaults, "Microsoft.EventGrid/topics")).toEqual([]);
    expect(appSettings(deployed.defaults)).not.toHaveProperty("EVENT_GRID_TOPIC_ENDPOINT");
    expect(deployed.defaults.outputs?.EVENT_GRID_TOPIC_ENDPOINT).toBe("");
  });

  it("with EVENT_GRID_TOPIC=true gives the app the topic's endpoint and EventGrid Data Sender on it only", () => {
    for (const snapshot of [deployed.storageWithEverything, deployed.schedulerWithEverything]) {
      const topic = only(snapshot, "Microsoft.EventGrid/topics");
      expect(appSettings(snapshot).EVENT_GRID_TOPIC_ENDPOINT).toBe(
        `[reference('${topic.id}', '${topic.apiVersion}').endpoint]`,
      );
      expect(grantsOn(snapshot, "Microsoft.EventGrid/topics").map((g) => [g.role, g.principal])).toEqual([
        [roles.eventGridDataSender, app],
      ]);
      expect(grants(snapshot).filter((g) => g.role === roles.eventGridDataSender)).toHaveLength(1);
    }
  });

  it("accepts CloudEvents 1.0 and Entra ID tokens only (no access keys)", () => {
    expect(only(deployed.storageWithEverything, "Microsoft.EventGrid/topics").properties).toMatchObject({
      inputSchema: "CloudEventSchemaV1_0",
      disableLocalAuth: true,
    });
  });
});

describe("host.json", () => {
  const hostJson = JSON.parse(readFileSync(new URL("../../host.json", import.meta.url), "utf8")) as {
    version: string;
    extensionBundle: { id: string; version: string };
    extensions: { durableTask: Record<string, unknown> };
  };

  it("asks for the v4 extension bundle from 4.32.0 on, the first to carry the Durable Task Scheduler provider", () => {
    // Non-.NET apps get the azureManaged storage provider from the bundle; an older 4.x host would refuse to start.
    expect(hostJson.version).toBe("2.0");
    expect(hostJson.extensionBundle).toEqual({
      id: "Microsoft.Azure.Functions.ExtensionBundle",
      version: "[4.32.0, 5.0.0)",
    });
  });

  it("stays backend-neutral: no storageProvider, the hub name comes from DURABLE_TASK_HUB", () => {
    expect(hostJson.extensions.durableTask.storageProvider).toBeUndefined();
    expect(hostJson.extensions.durableTask.hubName).toBe("%DURABLE_TASK_HUB%");
  });
});
