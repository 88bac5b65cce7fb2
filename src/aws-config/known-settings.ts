/**
 * The settings a profile may hold that some reader of the AWS files acts on: botocore (the AWS
 * CLI, boto3), the SDKs' shared config, the AWS CLI's own, aws-vault's, mfa-exec's. doctor names
 * any other key, with the known one it is nearest to (`role_ar`: did you mean role_arn?): a typo
 * there is silent everywhere else, and can make a profile run as another identity. Pure.
 */

const KNOWN: readonly string[] = [
  // credentials and roles (botocore credentials.py, the SDKs' shared config)
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'aws_account_id',
  'aws_credential_expiration',
  'role_arn',
  'role_session_name',
  'source_profile',
  'credential_source',
  'credential_process',
  'external_id',
  'mfa_serial',
  'duration_seconds',
  'web_identity_token_file',
  'login_session',
  // IAM Identity Center
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  // botocore's session settings (configprovider.py BOTOCORE_DEFAUT_SESSION_VARIABLES)
  'account_id_endpoint_mode',
  'api_versions',
  'auth_scheme_preference',
  'ca_bundle',
  'csm_client_id',
  'csm_enabled',
  'csm_host',
  'csm_port',
  'data_path',
  'defaults_mode',
  'disable_host_prefix_injection',
  'disable_request_compression',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_v1_disabled',
  'endpoint_discovery_enabled',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'imds_use_ipv6',
  'max_attempts',
  'metadata_service_num_attempts',
  'metadata_service_timeout',
  'parameter_validation',
  'region',
  'request_checksum_calculation',
  'request_min_compression_size_bytes',
  'response_checksum_validation',
  'retry_mode',
  's3_disable_express_session_auth',
  'sdk_ua_app_id',
  'services',
  'sigv4a_signing_region_set',
  'sts_regional_endpoints',
  'tcp_keepalive',
  'use_dualstack_endpoint',
  'use_fips_endpoint',
  // service sections nested in a profile (s3 = … max_concurrent_requests = 20)
  's3',
  's3api',
  'dynamodb',
  // the AWS CLI's own
  'output',
  'cli_pager',
  'cli_timestamp_format',
  'cli_auto_prompt',
  'cli_binary_format',
  'cli_follow_urlparam',
  'cli_history',
  'cli_help_output',
  // aws-vault's (mfa_process is read by mfa-exec too)
  'mfa_process',
  'include_profile',
  'session_tags',
  'transitive_session_tags',
  'source_identity',
];

const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN);

export function isKnownSetting(key: string): boolean {
  return KNOWN_SET.has(key.toLowerCase());
}

/** The known setting `key` is most likely a typo of: at most two edits away (one for short keys), else none. */
export function nearestSetting(key: string): string | undefined {
  const lower = key.toLowerCase();
  const limit = lower.length <= 5 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const known of KNOWN) {
    if (Math.abs(known.length - lower.length) > limit) continue;
    const d = editDistance(lower, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
