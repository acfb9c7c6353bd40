#!/usr/bin/env bash
# Checks a deployment right after it is made, so that a missing grant is a clear error with its
# fix now rather than a 403 at the first scheduled backup:
#   1. the app's identity holds "Managed HSM Backup" on the HSM (and "Managed HSM Restore" when
#      RESTORE_ENABLED=true), each at the HSM's root scope;
#   2. the Functions host loaded the app and registered its functions (a setting the app refuses
#      keeps it from loading: the host's log names the setting);
#   3. with --backup-now, one real backup through the app's own endpoint, which proves every
#      grant end to end (HSM, user-delegation SAS, container, ledger) and reports the outcome.
#
#   scripts/check-deployment.sh --resource-group <rg> --app-name <app> [--backup-now]
#       [--wait-minutes 10]
set -euo pipefail
source "$(dirname "$0")/common.sh"

usage() { sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p'; }

resource_group='' app_name='' backup_now=false wait_minutes=10
while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group) resource_group=${2:-}; shift 2 ;;
    --app-name) app_name=${2:-}; shift 2 ;;
    --backup-now) backup_now=true; shift ;;
    --wait-minutes) wait_minutes=${2:-}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[ -n "$resource_group" ] || die '--resource-group is required.'
[ -n "$app_name" ] || die '--app-name is required (the functionAppName deployment output).'
need_tool az 'install the Azure CLI and sign in (az login).'
need_tool node 'Node.js reads the JSON answers.'

app_setting() {
  az functionapp config appsettings list --resource-group "$resource_group" --name "$app_name" \
    --query "[?name=='$1'].value | [0]" -o tsv
}

principal_id=$(az functionapp identity show --resource-group "$resource_group" --name "$app_name" \
  --query principalId -o tsv)
[ -n "$principal_id" ] || die "$app_name has no system-assigned identity: deploy infra/main.bicep again."
hsm_url=$(app_setting HSM_URL)
hsm_name=$(printf '%s' "$hsm_url" | sed -E 's#^https://([^./]+)\..*$#\1#')
[ -n "$hsm_name" ] && [ "$hsm_name" != "$hsm_url" ] || die "$app_name has no usable HSM_URL setting ($hsm_url)."
restore_enabled=$(app_setting RESTORE_ENABLED)

# 1. The Managed HSM grants: the one failure Bicep cannot prevent.
problems=0
required_roles=("$hsm_backup_role")
if [ "$restore_enabled" = true ]; then required_roles+=("$hsm_restore_role"); fi
for role in "${required_roles[@]}"; do
  if hsm_role_held "$hsm_name" "$principal_id" "$role"; then
    info "ok: $app_name ($principal_id) holds $role on $hsm_name."
  else
    problems=$((problems + 1))
    restore_flag=''
    if [ "$restore_enabled" = true ]; then restore_flag=' --restore'; fi
    info "MISSING: $app_name ($principal_id) does not hold $role on $hsm_name; every $([ "$role" = "$hsm_backup_role" ] && echo backup || echo restore) would fail with 403."
    info "  fix (as a Managed HSM Policy Administrator or Administrator): scripts/grant-hsm-roles.sh --hsm-name $hsm_name --principal-id $principal_id$restore_flag"
    info "  or: $(hsm_grant_command "$hsm_name" "$principal_id" "$role")"
  fi
done
[ "$problems" -eq 0 ] || die "$problems Managed HSM grant(s) missing; see above."

# 2. The host loaded the app: function registrations appear once the package is running.
deadline=$(($(date +%s) + wait_minutes * 60))
functions=''
while :; do
  functions=$(az functionapp function list --resource-group "$resource_group" --name "$app_name" \
    --query '[].name' -o tsv 2>/dev/null || true)
  if printf '%s\n' "$functions" | grep -q 'backupTimer$'; then break; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    die "$app_name registered no backupTimer within $wait_minutes minutes. If the package was deployed, the app refused to start: its log (Application Insights traces, or 'az webapp log tail') names the setting to fix."
  fi
  sleep 15
done
info "ok: $app_name registered $(printf '%s\n' "$functions" | grep -c .) functions, backupTimer among them."

[ "$backup_now" = true ] || {
  info "Deployment checks passed. Run again with --backup-now to prove a backup end to end."
  exit 0
}

# 3. One real backup through the app. The function key is read for this call only.
need_tool curl 'curl calls the app.'
host_name=$(az functionapp show --resource-group "$resource_group" --name "$app_name" \
  --query defaultHostName -o tsv)
function_key=$(az functionapp keys list --resource-group "$resource_group" --name "$app_name" \
  --query functionKeys.default -o tsv)
[ -n "$function_key" ] || die "could not read the function key of $app_name."
base="https://$host_name"
# The key goes to curl through a config stream, never on a command line others can list.
call_app() {
  curl -sS --fail-with-body --config <(printf 'header = "x-functions-key: %s"\n' "$function_key") "$@"
}
started=$(call_app -X POST -H 'content-type: application/json' --data '{}' "$base/api/backups") ||
  die "POST /api/backups was refused: $started"
status_url=$(printf '%s' "$started" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).statusUrl))')
info "Backup started: $status_url"
deadline=$(($(date +%s) + wait_minutes * 60))
while :; do
  run=$(call_app "$base$status_url") || die "GET $status_url failed: $run"
  status=$(printf '%s' "$run" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).status))')
  case "$status" in
    Succeeded)
      info "ok: backup succeeded: $run"
      exit 0
      ;;
    Failed | Unknown)
      die "the backup ended $status: $run
A 403 from the HSM means a missing Managed HSM grant; AuthorizationPermissionMismatch from storage means the storage role assignments have not propagated yet (allow up to 10 minutes) or are missing."
      ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    die "the backup is still $status after $wait_minutes minutes; follow it at $base$status_url."
  fi
  sleep 20
done
