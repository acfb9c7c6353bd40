# Helpers shared by the deployment scripts. Sourced, never run.

info() { printf '%s\n' "$*" >&2; }

# Prints the message and stops the script.
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"
}

# The Managed HSM data-plane roles the app needs. They are local RBAC of the HSM, not Azure RBAC,
# so Bicep cannot grant them.
hsm_backup_role='Managed HSM Backup'
hsm_restore_role='Managed HSM Restore'

# Whether a principal holds a Managed HSM role at the HSM's root scope (where backup and restore
# must be granted). Prints nothing; the exit status answers.
hsm_role_held() {
  local hsm_name=$1 principal_id=$2 role=$3 count
  count=$(az keyvault role assignment list --hsm-name "$hsm_name" \
    --assignee-object-id "$principal_id" --role "$role" --scope / \
    --query 'length(@)' -o tsv) ||
    die "could not list the role assignments of Managed HSM $hsm_name. Reading them needs a local role such as \"Managed HSM Crypto Auditor\" (the least that can), \"Managed HSM Policy Administrator\" or \"Managed HSM Administrator\", and a network path to the HSM."
  [ "${count:-0}" -gt 0 ]
}

# The command that grants a Managed HSM role to a principal, as a Managed HSM Policy
# Administrator (or Administrator) runs it.
hsm_grant_command() {
  local hsm_name=$1 principal_id=$2 role=$3
  printf "az keyvault role assignment create --hsm-name %s --role '%s' --assignee-object-id %s --assignee-principal-type ServicePrincipal --scope /" \
    "$hsm_name" "$role" "$principal_id"
}
