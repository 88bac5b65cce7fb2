/**
 * doctor: what in the profiles is probably not what was meant. A key no reader of the AWS files
 * knows (`role_ar`) is ignored by all of them, silently: named, with the known key it is nearest
 * to (warn), or as a note when none is near (another tool's own setting, perhaps). A profile with
 * source_profile and no role_arn is not a role: mfa-exec and aws-vault use its source profile's
 * credentials as they are (its own identity, not a role's), and the AWS CLI finds none for it;
 * said as a note, as aws-vault's users write such profiles on purpose for an MFA session.
 */
import { isKnownSetting, nearestSetting } from '../../aws-config/known-settings.ts';
import type { Runtime } from '../../pipeline/runtime.ts';
import type { Finding, LoadedFiles } from './finding.ts';

export function checkSettings(_rt: Runtime, loaded: LoadedFiles): Finding[] {
  if (!('files' in loaded)) return []; // config-files.ts reports it
  const findings: Finding[] = [];
  for (const profile of loaded.files.profiles.values()) {
    const { name, values, origin } = profile;
    for (const key of Object.keys(values)) {
      if (isKnownSetting(key)) continue;
      const near = nearestSetting(key);
      findings.push(
        near
          ? ['warn', `profile '${name}' in ${origin[key]}: '${key}' is no setting the AWS CLI or mfa-exec reads; did you mean ${near}?`]
          : [
              'note',
              `profile '${name}' in ${origin[key]}: '${key}' is no setting the AWS CLI or mfa-exec reads (another tool's?); ignored`,
            ],
      );
    }
    if (values.source_profile !== undefined && values.role_arn === undefined && values.credential_source === undefined) {
      findings.push([
        'note',
        `profile '${name}' in ${origin.source_profile} has source_profile but no role_arn: it is no role; mfa-exec (as aws-vault) uses the credentials of '${values.source_profile}' themselves, and the AWS CLI finds none for it. If a role was meant, add role_arn.`,
      ]);
    }
  }
  return findings.length > 0 ? findings : [['ok', 'every profile setting is one the AWS CLI or mfa-exec reads']];
}
