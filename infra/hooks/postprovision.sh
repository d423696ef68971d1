#!/usr/bin/env bash
# azd postprovision hook: writes local.settings.json from the azd environment (the outputs of
# infra/main.bicep) so that `func start` runs against the deployed resources with your `az login` identity.
# The LINK credentials come from Key Vault (you need Key Vault Secrets Officer or User; provisioning grants
# the deploying user Officer). An existing local.settings.json is backed up to .azure/<env>/ first.
#
# Run it again at any time: ./infra/hooks/postprovision.sh
# VARSEL_LOCAL_SETTINGS_FILE overrides where the file is written.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${VARSEL_LOCAL_SETTINGS_FILE:-$root/local.settings.json}"

# --- azd environment -------------------------------------------------------------------------------
# `azd env get-values` prints KEY="VALUE" lines with \\, \", \n, \$ and \` escaped.
env_values="$(azd env get-values)"

unescape() {
  local s="$1" out="" c
  while [ -n "$s" ]; do
    c="${s:0:1}"
    s="${s:1}"
    if [ "$c" = "\\" ] && [ -n "$s" ]; then
      c="${s:0:1}"
      s="${s:1}"
      case "$c" in
        n) c=$'\n' ;;
        r) c=$'\r' ;;
        t) c=$'\t' ;;
      esac
    fi
    out+="$c"
  done
  printf '%s' "$out"
}

# value KEY: the value of KEY in the azd environment, or empty.
value() {
  local line raw
  while IFS= read -r line; do
    [ "${line%%=*}" = "$1" ] || continue
    raw="${line#*=}"
    if [ "${raw:0:1}" = '"' ] && [ "${raw: -1}" = '"' ] && [ "${#raw}" -ge 2 ]; then
      raw="${raw:1:${#raw}-2}"
      unescape "$raw"
    else
      printf '%s' "$raw"
    fi
    return 0
  done <<<"$env_values"
}

# --- Key Vault -------------------------------------------------------------------------------------
vault="$(value AZURE_KEY_VAULT_NAME)"
missing_secrets=()

# secret VAR SETTING NAME: sets VAR to the secret NAME from Key Vault, else to the azd environment value
# of SETTING, else to empty (and notes it as missing).
secret() {
  local found=""
  if [ -n "$vault" ] && command -v az >/dev/null 2>&1; then
    found="$(az keyvault secret show --vault-name "$vault" --name "$3" --query value --output tsv 2>/dev/null || true)"
  fi
  if [ -z "$found" ]; then
    found="$(value "$2")"
  fi
  if [ -z "$found" ]; then
    missing_secrets+=("$2 ($3)")
  fi
  printf -v "$1" '%s' "$found"
}

secret link_username LINK_USERNAME link-username
secret link_password LINK_PASSWORD link-password
secret link_report_username LINK_REPORT_USERNAME link-report-username
secret link_report_password LINK_REPORT_PASSWORD link-report-password
secret metrics_api_key METRICS_API_KEY metrics-api-key

# --- local.settings.json ---------------------------------------------------------------------------
json_string() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}

entries=()
add() {
  entries+=("    $(json_string "$1"): $(json_string "$2")")
}

add FUNCTIONS_WORKER_RUNTIME node
# Host storage with your identity (Storage Blob Data Owner); the deployed app uses the same account.
add AzureWebJobsStorage__blobServiceUri "$(value AZURE_STORAGE_BLOB_ENDPOINT)"
add VARSEL_MODE azure
add COSMOS_ENDPOINT "$(value COSMOS_ENDPOINT)"
add COSMOS_DATABASE "$(value COSMOS_DATABASE)"
# Identity-based without __credential/__clientId: the host and the SDK use your `az login` identity.
add ServiceBusConnection__fullyQualifiedNamespace "$(value ServiceBusConnection__fullyQualifiedNamespace)"
add ACS_EMAIL_ENDPOINT "$(value ACS_EMAIL_ENDPOINT)"
add EMAIL_SENDER_ADDRESS "$(value EMAIL_SENDER_ADDRESS)"
add LINK_GATEWAY_URL "$(value LINK_GATEWAY_URL)"
add LINK_USERNAME "$link_username"
add LINK_PASSWORD "$link_password"
add LINK_REPORT_USERNAME "$link_report_username"
add LINK_REPORT_PASSWORD "$link_report_password"
add SMS_DEFAULT_SENDER "$(value SMS_DEFAULT_SENDER)"
add AUTH_ISSUER "$(value AUTH_ISSUER)"
add AUTH_AUDIENCE "$(value AUTH_AUDIENCE)"
add AUTH_JWKS_URI "$(value AUTH_JWKS_URI)"
add AUTH_CLOCK_SKEW_SECONDS "$(value AUTH_CLOCK_SKEW_SECONDS)"
add SENDING_WINDOW "$(value SENDING_WINDOW)"
add SWEEP_SCHEDULE "$(value SWEEP_SCHEDULE)"
add TERMINATE_SCHEDULE "$(value TERMINATE_SCHEDULE)"
add SERVICE_OWNER_LIMITS "$(value SERVICE_OWNER_LIMITS)"
add ORDER_RETENTION_DAYS "$(value ORDER_RETENTION_DAYS)"
add STATUS_FEED_RETENTION_DAYS "$(value STATUS_FEED_RETENTION_DAYS)"
add DEAD_REPORT_RETENTION_DAYS "$(value DEAD_REPORT_RETENTION_DAYS)"
add PACING_ACS_PER_MINUTE "$(value PACING_ACS_PER_MINUTE)"
add PACING_ACS_BURST "$(value PACING_ACS_BURST)"
add PACING_LINK_PER_MINUTE "$(value PACING_LINK_PER_MINUTE)"
add PACING_LINK_BURST "$(value PACING_LINK_BURST)"
add IDEMPOTENCY_CHANGED_PAYLOAD "$(value IDEMPOTENCY_CHANGED_PAYLOAD)"
add STATUS_FEED_TRANSITIONS "$(value STATUS_FEED_TRANSITIONS)"
add SEND_CONDITION_TOKEN_AUDIENCE "$(value SEND_CONDITION_TOKEN_AUDIENCE)"
add TEST_SENDCONDITION_ENABLED "$(value TEST_SENDCONDITION_ENABLED)"
add METRICS_API_KEY "$metrics_api_key"

if [ -f "$target" ]; then
  backup_dir="$root/.azure/$(value AZURE_ENV_NAME)"
  mkdir -p "$backup_dir"
  cp "$target" "$backup_dir/local.settings.backup.json"
  echo "postprovision: kept the previous $(basename "$target") as $backup_dir/local.settings.backup.json"
fi

umask 077 # the file holds the LINK credentials
{
  printf '{\n  "IsEncrypted": false,\n  "Values": {\n'
  last=$((${#entries[@]} - 1))
  for i in "${!entries[@]}"; do
    if [ "$i" -lt "$last" ]; then printf '%s,\n' "${entries[$i]}"; else printf '%s\n' "${entries[$i]}"; fi
  done
  printf '  }\n}\n'
} >"$target.tmp"
mv "$target.tmp" "$target"

echo "postprovision: wrote $target for \`func start\` against the deployed resources."
if [ "${#missing_secrets[@]}" -gt 0 ]; then
  echo "postprovision: these secrets are not in Key Vault ${vault:-(unknown)} yet; SMS sending and LINK delivery"
  echo "  reports fail until the LINK credentials are set, the metrics routes refuse API keys until METRICS_API_KEY"
  echo "  is (see docs/deploy.md, \"LINK credentials\"):"
  for s in "${missing_secrets[@]}"; do echo "    - $s"; done
fi
