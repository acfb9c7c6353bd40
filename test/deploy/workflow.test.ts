import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './infraFiles';

const workflowDir = join(repoRoot, '.github', 'workflows');
const workflowFiles = readdirSync(workflowDir).filter((name) => /\.ya?ml$/.test(name));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

function workflow(name: string): Workflow {
  return parse(readFileSync(join(workflowDir, name), 'utf8')) as Workflow;
}

describe('the GitHub Actions workflows', () => {
  it('exist', () => {
    expect(workflowFiles).toContain('deploy.yml');
  });

  it.each(workflowFiles)('%s is valid YAML with jobs made of steps', (name) => {
    const parsed = workflow(name);
    expect(Object.keys(parsed.jobs).length).toBeGreaterThan(0);
    for (const job of Object.values(parsed.jobs)) expect(Array.isArray(job.steps)).toBe(true);
  });

  it.each(workflowFiles)('%s uses no stored secret', (name) => {
    expect(readFileSync(join(workflowDir, name), 'utf8')).not.toMatch(/secrets\./);
  });

  it('builds and tests on Node 22 before anything deploys', () => {
    const { jobs } = workflow('deploy.yml');
    const setupNode = jobs.test.steps.find((step) => step.uses?.startsWith('actions/setup-node'));
    expect(String(setupNode?.with?.['node-version'])).toBe('22');
    expect(jobs.test.steps.map((step) => step.run)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci/), 'npm test']),
    );
    expect(jobs.deploy.needs).toBe('test');
  });

  it('signs in with OpenID Connect, from repository variables, in a protected environment', () => {
    const parsed = workflow('deploy.yml');
    expect(parsed.permissions).toEqual({ contents: 'read' });
    const deploy = parsed.jobs.deploy;
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(deploy.environment).toBe('production');
    const login = deploy.steps.find((step) => step.uses?.startsWith('azure/login'));
    expect(login?.with).toEqual({
      'client-id': '${{ vars.AZURE_CLIENT_ID }}',
      'tenant-id': '${{ vars.AZURE_TENANT_ID }}',
      'subscription-id': '${{ vars.AZURE_SUBSCRIPTION_ID }}',
    });
  });

  it('deploys with the documented command, which ends in the deployment check', () => {
    const deploy = workflow('deploy.yml').jobs.deploy;
    const run = deploy.steps.map((step) => step.run ?? '').join('\n');
    expect(run).toMatch(/^scripts\/deploy\.sh /m);
    const script = readFileSync(join(repoRoot, 'scripts', 'deploy.sh'), 'utf8');
    expect(script).toContain('scripts/check-deployment.sh "${check_args[@]}"');
  });
});
