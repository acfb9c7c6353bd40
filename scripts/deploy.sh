#!/usr/bin/env bash
# From a clone to a running, monitored deployment in one command (see docs/deploy.md):
#
#   scripts/deploy.sh --resource-group <rg> --location <region> --hsm-name <hsm> \
#       --backup-storage-account <account> [--parameters <file.json>] [--param name=value ...]
#       [--skip-tests] [--skip-hsm-grant] [--backup-now]
#
# 1. installs, tests (unless --skip-tests) and builds the app, and stages its package;
# 2. creates the resource group if needed and deploys infra/main.bicep into it;
# 3. grants the app's identity the Managed HSM roles (scripts/grant-hsm-roles.sh; with
#    --skip-hsm-grant it prints the command for a Managed HSM administrator instead);
# 4. deploys the package to the Function App;
# 5. checks the deployment (scripts/check-deployment.sh; --backup-now runs one real backup).
#
# Needs: Azure CLI signed in (az login) with rights to create resources and role assignments in
# the resource groups, Node.js 22 (20 works) with npm, and zip. No secret is read or stored.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

usage() { sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p'; }

resource_group='' location='' hsm_name='' backup_account='' parameters_file=''
extra_params=() skip_tests=false skip_hsm_grant=false backup_now=false
while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group) resource_group=${2:-}; shift 2 ;;
    --location) location=${2:-}; shift 2 ;;
    --hsm-name) hsm_name=${2:-}; shift 2 ;;
    --backup-storage-account) backup_account=${2:-}; shift 2 ;;
    --parameters) parameters_file=${2:-}; shift 2 ;;
    --param) extra_params+=("${2:-}"); shift 2 ;;
    --skip-tests) skip_tests=true; shift ;;
    --skip-hsm-grant) skip_hsm_grant=true; shift ;;
    --backup-now) backup_now=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[ -n "$resource_group" ] || die '--resource-group is required.'
[ -n "$location" ] || die '--location is required (a region that offers the Flex Consumption plan).'
[ -n "$hsm_name" ] || die '--hsm-name is required.'
[ -n "$backup_account" ] || die '--backup-storage-account is required.'

# Parameter combinations the app would refuse at start-up, or that could never back up, are
# refused here, before anything is deployed.
for param in ${extra_params[@]+"${extra_params[@]}"}; do
  case "$param" in
    restoreAllowedRoles=?*)
      printf '%s\n' "${extra_params[@]}" | grep -q '^authClientId=.' ||
        die 'restoreAllowedRoles needs authClientId (App Service authentication): without it the app refuses to start, because the role header could be forged.'
      ;;
    hsmStorageAccess=managed-identity)
      printf '%s\n' "${extra_params[@]}" | grep -q '^hsmIdentityPrincipalId=.' ||
        die 'hsmStorageAccess=managed-identity needs hsmIdentityPrincipalId (the object id of the user-assigned identity of the HSM): without it nothing may write the backups.'
      ;;
  esac
done

need_tool az 'install the Azure CLI.'
need_tool node 'install Node.js 22.'
need_tool npm 'install Node.js 22 (npm comes with it).'
need_tool zip 'install zip (the package is uploaded as a zip file).'
az account show --output none 2>/dev/null || die 'the Azure CLI is not signed in: run az login.'

# 1. Build and package.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
info '== Installing and building'
npm ci --no-audit --no-fund
if [ "$skip_tests" = true ]; then npm run build; else npm test; fi
info '== Staging the deployment package'
node scripts/package-app.js --out "$work/package" --zip "$work/package.zip"

# 2. Infrastructure.
info "== Deploying infra/main.bicep into $resource_group"
az group create --name "$resource_group" --location "$location" --output none
deployment="hsmbackup-$(date -u +%Y%m%d%H%M%S)"
args=(--resource-group "$resource_group" --name "$deployment" --template-file infra/main.bicep
  --parameters hsmName="$hsm_name" backupStorageAccountName="$backup_account" location="$location")
if [ -n "$parameters_file" ]; then args+=(--parameters "@$parameters_file"); fi
for param in ${extra_params[@]+"${extra_params[@]}"}; do args+=(--parameters "$param"); done
az deployment group create "${args[@]}" --output none
output() {
  az deployment group show --resource-group "$resource_group" --name "$deployment" \
    --query "properties.outputs.$1.value" -o tsv
}
app_name=$(output functionAppName)
principal_id=$(output functionAppPrincipalId)
info "Function App $app_name, identity $principal_id"

# 3. The Managed HSM grants Bicep cannot make.
restore_enabled=$(az functionapp config appsettings list --resource-group "$resource_group" \
  --name "$app_name" --query "[?name=='RESTORE_ENABLED'].value | [0]" -o tsv)
grant_args=(--hsm-name "$hsm_name" --principal-id "$principal_id")
if [ "$restore_enabled" = true ]; then grant_args+=(--restore); fi
if [ "$skip_hsm_grant" = true ]; then
  info "== Skipping the Managed HSM grants; a Managed HSM administrator runs:"
  info "   scripts/grant-hsm-roles.sh ${grant_args[*]}"
else
  info '== Granting the Managed HSM roles'
  scripts/grant-hsm-roles.sh "${grant_args[@]}"
fi

# 4. The app itself.
info "== Deploying the package to $app_name"
az functionapp deployment source config-zip --resource-group "$resource_group" \
  --name "$app_name" --src "$work/package.zip" --output none

# 5. Check it, so a missing grant shows now, with its fix.
info '== Checking the deployment'
check_args=(--resource-group "$resource_group" --app-name "$app_name")
if [ "$backup_now" = true ]; then check_args+=(--backup-now); fi
scripts/check-deployment.sh "${check_args[@]}"
info "Deployed. Outputs: az deployment group show -g $resource_group -n $deployment --query properties.outputs"
