// The e2e harness: a fake AWS (moto + front), temp homes, and ways to run the built CLI.
export { startFakeAws, type FakeAws, type FakeAwsUser } from './fake-aws.ts';
export type { FakeAwsSpec, UserSpec, RoleSpec } from './spec.ts';
export type { CallLogEntry, FaultKind } from './front.ts';
export { makeHome, writeAwsFiles, type TempHome } from './home.ts';
export { baseEnv, runCli, CLI_PATH, REPO_ROOT, type CliResult, type RunCliOptions } from './cli.ts';
export { runInPty, type PtyStep, type PtyResult, type RunInPtyOptions } from './pty.ts';
export { totp } from './totp.ts';
export { pythonTool } from './python-bin.ts';
export { startDesktop, desktopMissing, type Desktop, type Dialog, type AnswerOptions, type Notification } from './desktop.ts';
export { makeStandIns, type StandIns, type StandInOptions, type BrowserFetch } from './stand-ins.ts';
export { ONLY_FEDERATION_OR_ROLE, type FederationLogEntry } from './console-federation.ts';
