// scripts/macho-sign.mjs on a small Mach-O file made here (header, __TEXT, __LINKEDIT, a code
// signature): what it checks and what it writes, field by field. The release build runs both on
// the real darwin files; only a Mac's codesign can confirm those.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkMachOSignature, signMachOAdHoc } from '../../scripts/macho-sign.mjs';

const dir = mkdtempSync(join(tmpdir(), 'macho-sign-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TEXT_SIZE = 0x4000;
const LINKEDIT_OFF = 0x9000;
/** A thin x86-64 executable: __TEXT, __LINKEDIT (with the old signature at its end), LC_CODE_SIGNATURE. */
function machO(cputype = 0x01000007): Buffer {
  const signatureAt = LINKEDIT_OFF + 0x123;
  const oldSignature = Buffer.alloc(64, 0xee);
  const d = Buffer.alloc(signatureAt + oldSignature.length);
  for (let i = 32 + 3 * 80; i < d.length; i++) d[i] = (i * 7) & 0xff; // contents
  d.writeUInt32LE(0xfeedfacf, 0);
  d.writeUInt32LE(cputype, 4);
  d.writeUInt32LE(2, 12); // MH_EXECUTE
  d.writeUInt32LE(3, 16); // ncmds
  d.writeUInt32LE(72 + 72 + 16, 20);
  const segment = (at: number, name: string, fileoff: number, filesize: number, prot: number) => {
    d.fill(0, at, at + 72);
    d.writeUInt32LE(0x19, at);
    d.writeUInt32LE(72, at + 4);
    d.write(name, at + 8, 'latin1');
    d.writeBigUInt64LE(0x100000000n + BigInt(fileoff), at + 24); // vmaddr
    d.writeBigUInt64LE(BigInt(filesize), at + 32); // vmsize
    d.writeBigUInt64LE(BigInt(fileoff), at + 40);
    d.writeBigUInt64LE(BigInt(filesize), at + 48);
    d.writeInt32LE(prot, at + 56); // maxprot
    d.writeInt32LE(prot, at + 60); // initprot
  };
  segment(32, '__TEXT', 0, TEXT_SIZE, 5);
  segment(32 + 72, '__LINKEDIT', LINKEDIT_OFF, d.length - LINKEDIT_OFF, 1);
  d.fill(0, 176, 192);
  d.writeUInt32LE(0x1d, 176);
  d.writeUInt32LE(16, 180);
  d.writeUInt32LE(signatureAt, 184);
  d.writeUInt32LE(oldSignature.length, 188);
  oldSignature.copy(d, signatureAt);
  return d;
}

test('a file whose signature blob is not one: not valid, saying so', () => {
  const file = join(dir, 'unsigned');
  writeFileSync(file, machO());
  assert.deepEqual(checkMachOSignature(file), { valid: false, problem: 'no signature blob at LC_CODE_SIGNATURE' });
});

test('signed ad hoc: one SHA-256 CodeDirectory hashing every 4 KiB page before the signature; __LINKEDIT sized to it, nothing else changed', () => {
  const file = join(dir, 'signed');
  const before = machO();
  writeFileSync(file, before);
  signMachOAdHoc(file, 'mfa-exec');
  const d = readFileSync(file);
  const check = checkMachOSignature(file);
  assert.equal(check.valid, true, check.problem);
  assert.equal(check.adhoc, true);
  const signatureAt = d.readUInt32LE(184);
  const datasize = d.readUInt32LE(188);
  assert.equal(signatureAt, LINKEDIT_OFF + 0x123, 'the signature stays where it was');
  assert.equal(d.length, signatureAt + datasize, 'and ends the file');
  assert.equal(datasize % 16, 0);
  assert.deepEqual(check.directories, [
    { ident: 'mfa-exec', flags: 0x20002, codeLimit: signatureAt, pages: Math.ceil(signatureAt / 4096), bad: 0, covers: true },
  ]);
  // __LINKEDIT: filesize to the end of the file, vmsize that rounded to 4 KiB (x86-64); protections kept.
  assert.equal(d.readBigUInt64LE(104 + 48), BigInt(d.length - LINKEDIT_OFF));
  assert.equal(d.readBigUInt64LE(104 + 32), BigInt(Math.ceil((d.length - LINKEDIT_OFF) / 4096) * 4096));
  assert.deepEqual([d.readInt32LE(104 + 56), d.readInt32LE(104 + 60)], [1, 1]);
  // Every byte before the signature is as it was but three sizes in the load commands.
  const changed = new Set<string>();
  const field = (i: number) =>
    i >= 136 && i < 144 ? 'linkedit vmsize' : i >= 152 && i < 160 ? 'linkedit filesize' : i >= 188 && i < 192 ? 'datasize' : `byte ${i}`;
  for (let i = 0; i < signatureAt; i++) if (d[i] !== before[i]) changed.add(field(i));
  assert.deepEqual(changed, new Set(['linkedit vmsize', 'linkedit filesize', 'datasize']));
  // The CodeDirectory: version 0x20400, the executable segment is __TEXT, the main binary's.
  const cd = d.subarray(signatureAt + 20);
  assert.equal(cd.readUInt32BE(0), 0xfade0c02);
  assert.equal(cd.readUInt32BE(8), 0x20400);
  assert.equal(cd[37], 2, 'SHA-256');
  assert.equal(cd[39], 12, '4 KiB pages');
  assert.deepEqual([cd.readBigUInt64BE(64), cd.readBigUInt64BE(72), cd.readBigUInt64BE(80)], [0n, BigInt(TEXT_SIZE), 1n]);
  assert.deepEqual(cd.subarray(88 + 9 + 32, 88 + 9 + 64), createHash('sha256').update(d.subarray(4096, 8192)).digest(), 'page 1');
});

test('a byte changed after signing: that page no longer matches; signed again, valid again', () => {
  const file = join(dir, 'changed');
  writeFileSync(file, machO(0x0100000c));
  signMachOAdHoc(file, 'mfa-exec');
  const d = readFileSync(file);
  d.writeUInt8(d.readUInt8(5000) ^ 1, 5000);
  writeFileSync(file, d);
  const check = checkMachOSignature(file);
  assert.equal(check.valid, false);
  assert.match(check.problem!, /^1 of 10 page hashes differ/);
  signMachOAdHoc(file, 'mfa-exec');
  assert.equal(checkMachOSignature(file).valid, true);
  // arm64: __LINKEDIT's vmsize rounds to 16 KiB pages.
  const signed = readFileSync(file);
  assert.equal(signed.readBigUInt64LE(104 + 32), 0x4000n);
});
