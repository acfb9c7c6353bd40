#!/usr/bin/env bash
# Grants the Function App's identity the Managed HSM data-plane roles it needs: "Managed HSM
# Backup" always, "Managed HSM Restore" only with --restore. These are assignments in the HSM's
# own (local) RBAC, which Bicep cannot make. Grants that already exist are left alone, so running
# it again is safe. Granting needs the HSM's local role "Managed HSM Policy Administrator" (or
# "Managed HSM Administrator").
#
#   scripts/grant-hsm-roles.sh --hsm-name contoso --principal-id <object id> [--restore]
#
# The principal id is the functionAppPrincipalId output of infra/main.bicep.
set -euo pipefail
source "$(dirname "$0")/common.sh"

usage() { sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p'; }

hsm_name='' principal_id='' restore=false
while [ $# -gt 0 ]; do
  case "$1" in
    --hsm-name) hsm_name=${2:-}; shift 2 ;;
    --principal-id) principal_id=${2:-}; shift 2 ;;
    --restore) restore=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[ -n "$hsm_name" ] || die '--hsm-name is required (the <name> of https://<name>.managedhsm.azure.net).'
[ -n "$principal_id" ] || die '--principal-id is required (the functionAppPrincipalId deployment output).'
need_tool az 'install the Azure CLI and sign in (az login).'

roles=("$hsm_backup_role")
if [ "$restore" = true ]; then roles+=("$hsm_restore_role"); fi

for role in "${roles[@]}"; do
  if hsm_role_held "$hsm_name" "$principal_id" "$role"; then
    info "$role: already granted to $principal_id on $hsm_name."
    continue
  fi
  info "$role: granting to $principal_id on $hsm_name (scope /)."
  az keyvault role assignment create --hsm-name "$hsm_name" --role "$role" \
    --assignee-object-id "$principal_id" --assignee-principal-type ServicePrincipal \
    --scope / --output none ||
    die "could not grant $role on $hsm_name. Granting needs the local role \"Managed HSM Policy Administrator\" or \"Managed HSM Administrator\"; ask a holder to run: $(hsm_grant_command "$hsm_name" "$principal_id" "$role")"
done

if [ "$restore" = false ] && hsm_role_held "$hsm_name" "$principal_id" "$hsm_restore_role"; then
  info "warning: $principal_id still holds $hsm_restore_role on $hsm_name, which it only needs with restores enabled. Remove it with: az keyvault role assignment delete --hsm-name $hsm_name --role '$hsm_restore_role' --assignee-object-id $principal_id --scope /"
fi
info "Managed HSM grants for $principal_id on $hsm_name are in place."
