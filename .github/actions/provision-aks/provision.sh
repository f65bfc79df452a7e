#!/usr/bin/env bash
# The provision-aks action's one step: `aks-provision create --wait` from the packed CLI, which appends the step
# outputs to $GITHUB_OUTPUT itself (--outputs-file). Inputs come as environment variables (see action.yml).
# Exits with the CLI's exit code, so the step fails unless the run Succeeded.
set -uo pipefail

: "${REQUEST:?the request input is required}"
: "${AKS_PROVISIONING_URL:?the api-url input is required}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is set by the runner}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

package="${CLI_PACKAGE:-}"
if [ -z "$package" ]; then
  # The runner downloads the whole repository of an action; pack the CLI's package (cli/) there like a release would
  # (its prepack builds it).
  repo="$(cd "$here/../../.." && pwd)"
  echo "::group::Pack aks-provision from $repo"
  if ! (cd "$repo" && npm ci --no-audit --no-fund) >&2; then
    echo "::error::could not build aks-provision from $repo"
    exit 1
  fi
  package="$(cd "$repo" && npm pack --workspace cli --silent --pack-destination "${RUNNER_TEMP:-/tmp}" | tail -n 1)"
  package="${RUNNER_TEMP:-/tmp}/$package"
  echo "::endgroup::"
fi

args=(--output json create --file "$REQUEST" --wait --timeout "${TIMEOUT_SECONDS:-3600}")
if [ -n "${IDEMPOTENCY_KEY:-}" ]; then args+=(--idempotency-key "$IDEMPOTENCY_KEY"); fi

# stdout is the JSON result (kept in the log); progress lines go to stderr; the outputs go straight to $GITHUB_OUTPUT.
CI=true npx --yes --package "$package" aks-provision "${args[@]}" --outputs-file "$GITHUB_OUTPUT"
code=$?
echo "exit-code=$code" >>"$GITHUB_OUTPUT"
exit "$code"
