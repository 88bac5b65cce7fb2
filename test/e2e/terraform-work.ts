// A Terraform working directory for the guardrail tests: the real Terraform 1.11 behind its shim,
// only Terraform's built-in provider (terraform_data, local-exec: nothing to download), local
// state. What Terraform runs reports what it was given: the provisioners call the real aws CLI
// (through its shim, against moto) and write what they saw into files the test reads.
import { mkdir, readFile, readdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, runInPty, type CliResult, type PtyResult, type PtyStep } from '../harness/index.ts';
import type { Scenario } from './scenario.ts';

export const REAL_TERRAFORM = '/usr/local/bin/terraform';

export interface TerraformWork {
  dir: string;
  env: NodeJS.ProcessEnv;
  shim: string;
  /** `terraform ARGS` through the shim, no terminal. */
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** `terraform ARGS` through the shim in a pseudo-terminal. */
  pty(args: string[], steps: PtyStep[], env?: NodeJS.ProcessEnv): Promise<PtyResult>;
  writeProject(text: string): Promise<void>;
  /** A file the provisioners wrote, or undefined. */
  output(name: string): Promise<string | undefined>;
  /** The state's resource addresses. */
  resources(): Promise<string[]>;
}

/**
 * terraform_data.marker: on create it records the caller identity and the credentials variables
 * it saw; on destroy it records the identity again and runs a destructive aws call (a user that
 * does not exist: moto answers NoSuchEntity), whose exit code says whether a nested mfa-exec let it run.
 */
export const MARKER_TF = `resource "terraform_data" "marker" {
  input = "hello"
  provisioner "local-exec" {
    command = "aws sts get-caller-identity --output json > created-by.json; env | grep -E '^(AWS_ACCESS_KEY_ID|AWS_CONTAINER_CREDENTIALS_FULL_URI|MFA_EXEC_CONFIRMED)=' | sort > created-env.txt"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "aws sts get-caller-identity --output json > destroyed-by.json; aws iam delete-user --user-name ghost-of-mfa-exec 2>/dev/null; echo $? > delete-exit.txt"
  }
}
`;

export async function terraformWork(s: Scenario, env: NodeJS.ProcessEnv = s.env): Promise<TerraformWork> {
  const shim = await s.shim('terraform');
  await s.shim('aws');
  const realDir = join(s.home, 'real-bin');
  await mkdir(realDir, { recursive: true });
  await symlink(REAL_TERRAFORM, join(realDir, 'terraform'));
  const dir = join(s.home, 'infra', 'prod');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'main.tf'), MARKER_TF);
  await writeFile(join(s.home, 'terraformrc'), '');
  const tfEnv: NodeJS.ProcessEnv = {
    ...env,
    PATH: `${env.PATH}:${realDir}`,
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: join(s.home, 'terraformrc'), // no plugin cache, no credentials helpers
    CHECKPOINT_DISABLE: '1', // no version check against checkpoint-api.hashicorp.com
  };
  return {
    dir,
    env: tfEnv,
    shim,
    run: (args, e = tfEnv) => runCli(args, { env: e, cwd: dir, argv0Path: shim, timeoutMs: 60_000 }),
    pty: (args, steps, e = tfEnv) => runInPty([shim, ...args], { env: e, cwd: dir, steps, timeoutMs: 60_000 }),
    async writeProject(text) {
      await writeFile(join(dir, '.mfa-exec'), text);
      await chmod(join(dir, '.mfa-exec'), 0o644);
    },
    async output(name) {
      try {
        return await readFile(join(dir, name), 'utf8');
      } catch {
        return undefined;
      }
    },
    async resources() {
      try {
        const state = JSON.parse(await readFile(join(dir, 'terraform.tfstate'), 'utf8')) as { resources: { type: string; name: string }[] };
        return state.resources.map((r) => `${r.type}.${r.name}`);
      } catch {
        return [];
      }
    },
  };
}

/** The access key id of the cached role credentials of `profile` (the newest entry), and its file. */
export async function cachedRole(
  home: string,
  profile: string,
): Promise<{ file: string; accessKeyId: string; expiration: string } | undefined> {
  const dir = join(home, '.cache', 'mfa-exec');
  let found: { file: string; accessKeyId: string; expiration: string; createdAt: string } | undefined;
  for (const name of await readdir(dir)) {
    if (!name.startsWith('role-')) continue;
    const entry = JSON.parse(await readFile(join(dir, name), 'utf8')) as {
      request: { profile: string };
      accessKeyId: string;
      expiration: string;
      createdAt: string;
    };
    if (entry.request.profile === profile && (!found || entry.createdAt > found.createdAt)) found = { file: join(dir, name), ...entry };
  }
  return found && { file: found.file, accessKeyId: found.accessKeyId, expiration: found.expiration };
}
