// The e2e harness: a fake AWS (moto + front), temp homes, and ways to run the built CLI.
export { startFakeAws, type FakeAws, type FakeAwsUser } from './fake-aws.ts';
export type { FakeAwsSpec, UserSpec, RoleSpec } from './spec.ts';
export type { CallLogEntry, FaultKind } from './front.ts';
export { makeHome, writeAwsFiles, type TempHome } from './home.ts';
export {
  baseEnv,
  runCli,
  CLI_PATH,
  CLI_COMMAND,
  TESTING_EXECUTABLE,
  nodePackageOnly,
  REPO_ROOT,
  type CliResult,
  type RunCliOptions,
} from './cli.ts';
export { runInPty, type PtyStep, type PtyResult, type RunInPtyOptions } from './pty.ts';
export { totp } from './totp.ts';
export { pythonTool } from './python-bin.ts';
export { startDesktop, desktopMissing, type Desktop, type Dialog, type AnswerOptions, type Notification } from './desktop.ts';
export { makeStandIns, type StandIns, type StandInOptions, type BrowserFetch } from './stand-ins.ts';
export { ONLY_FEDERATION_OR_ROLE, type FederationLogEntry } from './console-federation.ts';
// IAM Identity Center (SSO portal, SSO-OIDC) and Sign-In (`aws login`) fakes, the AWS CLI v2's
// cache files, and a $BROWSER stand-in (issue 19).
export { startSsoFakes, type SsoFakes, type SsoFakesOptions, type SsoSignIn } from './sso-fakes.ts';
export { withSsoRoles, ssoRoleName, SSO_BROKER, SSO_ROLE_PATH } from './sso-roles.ts';
export { IdentityCenter, DEVICE_GRANT, DEFAULT_SCOPE, s256 } from './identity-center.ts';
export { SigninService, SAME_DEVICE, CROSS_DEVICE, type LoginSession, type LoginError } from './signin.ts';
export type { SsoLogEntry, JsonFaultKind } from './json-service.ts';
export { makeDpopProof, verifyDpopProof, jwkThumbprint, publicJwk, type EcJwk } from './dpop.ts';
export {
  writeSsoTokenCache,
  readSsoTokenCache,
  ssoTokenCacheKey,
  writeSsoRegistrationCache,
  ssoRegistrationCacheKey,
  writeLoginCache,
  readLoginCache,
  loginCacheKey,
  loginCacheDir,
  ssoCacheDir,
  pythonJsonDumps,
  type SsoTokenFile,
  type RegistrationFile,
  type RegistrationKey,
} from './cli-v2-files.ts';
export { makeBrowser, BROWSER_STANDIN, type FakeBrowser, type BrowserMode, type BrowserOpen, type BrowserOutcome } from './browser.ts';
