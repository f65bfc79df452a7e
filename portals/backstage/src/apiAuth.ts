/**
 * How the scaffolder calls the provisioning API: as a machine caller with its own key (x-api-key, an entry of the
 * API's CALLER_KEYS with the scope Backstage may build in; the key itself is a secret in Backstage's config), naming
 * the Backstage user who started the task in X-On-Behalf-Of so the run's requestedBy and the API's audit lines show
 * who asked ("key:backstage for user:default/alice"). The name grants nothing: the key's scope decides.
 */
export interface ApiCredentials {
  apiKey: string;
}

export function authHeaders(credentials: ApiCredentials, userRef: string | undefined): Record<string, string> {
  return {
    "x-api-key": credentials.apiKey,
    ...(userRef === undefined ? {} : { "x-on-behalf-of": userRef }),
  };
}
