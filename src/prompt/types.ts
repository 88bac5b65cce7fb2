/**
 * Asking a person, whatever the medium: one interface, one driver per file in this folder
 * (drivers.ts is their table). Callers build the question (its exact text, whether it is secret,
 * what to say when no one can be asked) and keep their own policy (how many tries, what an
 * answer must look like); a driver only shows it and returns the answer.
 *
 * A driver is chosen once per run (Settings.prompt; `none` where nobody may be asked) and made
 * on demand: this folder is never part of the warm bundle.
 */

import type { Platform } from '../platform/index.ts';

/** What is asked; a driver may answer some kinds itself and hand the others on (a YubiKey answers `mfa-code`). */
export type QuestionKind = 'mfa-code' | 'passphrase' | 'text' | 'secret';

/** Whom the question is for: shown by dialogs, used by drivers that look the answer up. */
export interface QuestionContext {
  profile?: string;
  mfaSerial?: string;
  /** The YubiKey OATH account holding the device's secret (`mfa_exec_ykman_account`), for the ykman driver. */
  ykmanAccount?: string;
}

export interface Question {
  kind: QuestionKind;
  /** The text as the person reads it, e.g. `Enter MFA code for <serial>: ` (the AWS CLI's words). */
  message: string;
  /** The answer is not shown while it is typed. */
  secret: boolean;
  /** The question in a few words ("MFA prompt"): a dialog's title, and "<title> cancelled." (exit 130). */
  title: string;
  /** Said (exit 66) when this driver has no one to ask, e.g. no terminal: the next step for the person. */
  unanswerable?: string;
  context?: QuestionContext;
}

export interface ConfirmOptions {
  /** As Question.unanswerable. */
  unanswerable?: string;
  context?: QuestionContext;
}

export interface Prompt {
  /** The driver's name, as chosen (`terminal`, `none`). */
  readonly name: string;
  /**
   * The MFA code comes from a device, not a person (ykman): asked again within the same 30 s
   * window it gives the same code, so a caller that cannot use that code waits for the next window.
   */
  readonly unattended?: boolean;
  /**
   * The answer as typed (without the line end). Throws NoTerminalError (66) when no one can be
   * asked, PromptCancelledError (130) when the person cancels (Ctrl-C, Ctrl-D, a dialog's Cancel).
   */
  ask(question: Question): Promise<string>;
  /** A yes/no question (`message` ends with its own hint, e.g. "[y/N] "); true for yes. Throws as ask. */
  confirm(message: string, options?: ConfirmOptions): Promise<boolean>;
  /** One line for the person, beside the questions ("a code was used 12 s ago…"); dropped when there is no one to tell. */
  say(message: string): void;
  /**
   * Whether someone is there to be told something and act on it (a browser sign-in): the terminal
   * opens, a dialog can show. False for `none`. A driver without it counts as present.
   */
  present?(): boolean;
  /** Lets go of whatever the driver holds (the terminal). Must run before the target starts; the driver may be asked again after. */
  close(): void;
}

/** What a driver may use to make itself: the environment, and other drivers to hand questions on to. */
export interface PromptContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Another driver, made with the same context (a YubiKey hands the passphrase on to `auto`). */
  open(name: string): Prompt;
  /** How long a dialog or a device may take to answer (MFA_EXEC_PROMPT_TIMEOUT): then exit 66. */
  timeoutMs: number;
  /**
   * false: the terminal belongs to a running command (--server's renewals): nothing may read it,
   * `auto` goes straight to the desktop, `terminal` asks no one.
   */
  terminal: boolean;
  /** Ends a question being asked (the command --server served has exited). */
  signal?: AbortSignal;
  /** Which desktop's dialogs and notifications (Platform.desktop); default: this system's. */
  platform: Platform;
}

/** What a caller may set when it opens a driver (drivers.ts fills in the rest). */
export type PromptOptions = Partial<Pick<PromptContext, 'timeoutMs' | 'terminal' | 'signal' | 'platform'>>;

/** One entry of the drivers' table. */
export type PromptDriver = (ctx: PromptContext) => Prompt;
