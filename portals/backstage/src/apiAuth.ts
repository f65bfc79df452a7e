/**
 * How the scaffolder calls the provisioning API: as a machine caller (the Function app's key, kept in Backstage's
 * config as a secret), naming the Backstage user who started the task in X-On-Behalf-Of so the run's requestedBy and
 * the API's audit lines show who asked. The name grants nothing: the API decides access on the caller alone.
 */
export interface ApiCredentials {
  functionKey: string;
}

export function authHeaders(credentials: ApiCredentials, userRef: string | undefined): Record<string, string> {
  return {
    "x-functions-key": credentials.functionKey,
    ...(userRef === undefined ? {} : { "x-on-behalf-of": userRef }),
  };
}
