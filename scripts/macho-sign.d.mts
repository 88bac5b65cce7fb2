// Types of macho-sign.mjs, for the unit test.
export interface CodeDirectoryCheck {
  ident: string;
  flags: number;
  codeLimit: number;
  pages: number;
  bad: number;
  covers: boolean;
}
export interface SignatureCheck {
  valid: boolean;
  problem?: string;
  directories?: CodeDirectoryCheck[];
  adhoc?: boolean;
}
export function checkMachOSignature(file: string): SignatureCheck;
export function signMachOAdHoc(file: string, identifier: string): void;
