/**
 * Where the AWS console is, for `mfa-exec console`. Pure: the partition from the region (aws,
 * aws-cn, aws-us-gov: the ones with a public console), the federation endpoint that signs in to
 * it, and the console page to land on (`--path`, `--service`, else the home page), in the region.
 *
 * The global sign-in host serves every region of its partition (signin.aws.amazon.com,
 * signin.amazonaws.cn, signin.amazonaws-us-gov.com); the console page is on the region's host
 * (`<region>.console.aws.amazon.com`), or the global one when no region is known or the service
 * is global (IAM, Route 53, …: no `?region=` either).
 */
import { ConfigError, UsageError } from '../errors.ts';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

interface PartitionHosts {
  signin: string;
  console: string;
}

const HOSTS: Record<Partition, PartitionHosts> = {
  aws: { signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com' },
  'aws-cn': { signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn' },
  'aws-us-gov': { signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com' },
};

/** The partition of `region` (no region: aws). Regions of isolated or sovereign partitions have no console mfa-exec knows. */
export function partitionOf(region: string | undefined): Partition {
  if (region === undefined) return 'aws';
  if (/^cn-/.test(region)) return 'aws-cn';
  if (/^us-gov-/.test(region)) return 'aws-us-gov';
  if (/^[a-z]{2}-iso[a-z]?-|^eusc-/.test(region)) {
    throw new ConfigError(
      `Region '${region}' is in a partition whose console mfa-exec does not know. Set MFA_EXEC_FEDERATION_URL to its federation endpoint and use --path with a full console path, or pick another region with --region.`,
    );
  }
  return 'aws';
}

/** The federation endpoint of the partition: getSigninToken and the login URL both go there. */
export function federationUrl(partition: Partition): string {
  return `https://${HOSTS[partition].signin}/federation`;
}

/**
 * Short names for `--service` where the console path is not the service's name (as the console's
 * own URLs have them); any other name is used as it is (`--service s3` → `s3/home`).
 */
export const SERVICE_PATHS: Readonly<Record<string, string>> = {
  ec2: 'ec2/v2/home',
  iam: 'iam/home',
  ddb: 'dynamodbv2/home',
  dynamodb: 'dynamodbv2/home',
  r53: 'route53/v2/home',
  route53: 'route53/v2/home',
  orgs: 'organizations/v2/home',
  organizations: 'organizations/v2/home',
  sfn: 'states/home',
  stepfunctions: 'states/home',
  sm: 'secretsmanager/home',
  secretsmanager: 'secretsmanager/home',
  ssm: 'systems-manager/home',
  param: 'systems-manager/parameters',
  ct: 'cloudtrail/home',
  cloudtrail: 'cloudtrail/home',
  cw: 'cloudwatch/home',
  cloudwatch: 'cloudwatch/home',
  cfn: 'cloudformation/home',
  cloudformation: 'cloudformation/home',
  lambda: 'lambda/home',
  waf: 'wafv2/home',
  sso: 'singlesignon/home',
  billing: 'billing/home',
  support: 'support/home',
};

/** Services whose console is global: the global host, no `?region=`. By the name given, not the path it maps to. */
const GLOBAL_SERVICES: ReadonlySet<string> = new Set([
  'iam',
  'r53',
  'route53',
  'orgs',
  'organizations',
  'billing',
  'support',
  'directconnect',
  'trustedadvisor',
]);

export interface DestinationInput {
  partition: Partition;
  region: string | undefined;
  /** --path: a console path such as `s3/home` or `ec2/home#Instances:`. */
  path?: string | undefined;
  /** --service: a service's short name. */
  service?: string | undefined;
}

/** The console page to sign in to. Throws UsageError for a --path that is a URL, or --path with --service. */
export function consoleDestination({ partition, region, path, service }: DestinationInput): string {
  if (path !== undefined && service !== undefined) throw new UsageError("Give either --path or --service to 'mfa-exec console', not both.");
  if (path !== undefined && /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new UsageError(`--path '${path}' is a URL: give a path on the console, such as s3/home or ec2/home#Instances:.`);
  }
  if (service !== undefined && !/^[a-z0-9-]+$/.test(service)) {
    throw new UsageError(`--service '${service}' is not a service name: use one such as s3, ec2, iam, lambda.`);
  }
  const global = service !== undefined && GLOBAL_SERVICES.has(service);
  const page = path?.replace(/^\/+/, '') ?? (service !== undefined ? (SERVICE_PATHS[service] ?? `${service}/home`) : 'console/home');
  const host = region !== undefined && !global ? `${region}.${HOSTS[partition].console}` : HOSTS[partition].console;
  const [beforeHash, ...hash] = page.split('#');
  const query = region !== undefined && !global ? `${beforeHash!.includes('?') ? '&' : '?'}region=${encodeURIComponent(region)}` : '';
  return `https://${host}/${beforeHash}${query}${hash.length ? `#${hash.join('#')}` : ''}`;
}
