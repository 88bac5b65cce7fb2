// The code signature of a thin 64-bit Mach-O executable, checked and, where it does not cover the
// file, made again ad hoc, without a Mac (scripts/build-exe.mjs uses both on the darwin files).
//
// Why: Bun 1.4.5 builds the darwin-x64 executable from a template signed by Bun's Developer ID and
// keeps that signature after embedding the program: it no longer hashes to the file (75 pages
// differ, 7 MB are not covered). macOS refuses to run a file whose signature does not match it
// (on Apple Silicon the kernel checks every page). The darwin-arm64 file comes out signed ad hoc
// and correct. An ad-hoc signature is what the linker itself writes (`ld -adhoc_codesign`): one
// CodeDirectory of SHA-256 page hashes, flags adhoc|linker-signed, no certificate, no CMS blob.
// Notarization needs an Apple Developer ID and is out of reach here; only `codesign -v` on a Mac
// is the last word on the result.
//
// Layout (Apple's cs_blobs.h, loader.h): LC_CODE_SIGNATURE points at a SuperBlob (0xfade0cc0)
// at the end of __LINKEDIT; its CodeDirectory (0xfade0c02, big-endian) holds one hash per 4 KiB
// page of the file up to the signature (codeLimit).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CPU_TYPE_ARM64 = 0x0100000c;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_HASHTYPE_SHA1 = 1;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 1n;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;
/** A CodeDirectory of version 0x20400 (with the executable segment's fields). */
const CD_HEADER = 88;

/** The load commands this needs: the signature's, __LINKEDIT's and __TEXT's offsets in the file. */
function loadCommands(d) {
  if (d.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a thin 64-bit little-endian Mach-O file');
  const cputype = d.readUInt32LE(4);
  const ncmds = d.readUInt32LE(16);
  let off = 32;
  const found = { cputype };
  for (let i = 0; i < ncmds; i++) {
    const cmd = d.readUInt32LE(off);
    if (cmd === LC_CODE_SIGNATURE) found.signature = off;
    if (cmd === LC_SEGMENT_64) {
      const name = d.toString('latin1', off + 8, off + 24).replace(/\0+$/, '');
      if (name === '__LINKEDIT') found.linkedit = off;
      if (name === '__TEXT') found.text = off;
    }
    off += d.readUInt32LE(off + 4);
  }
  return found;
}

/**
 * Whether the embedded signature hashes to the file: every CodeDirectory covers the file up to
 * the signature and each of its page hashes matches. `problem` says what is wrong when not.
 */
export function checkMachOSignature(file) {
  const d = readFileSync(file);
  const lc = loadCommands(d);
  if (lc.signature === undefined) return { valid: false, problem: 'no code signature' };
  const dataoff = d.readUInt32LE(lc.signature + 8);
  const datasize = d.readUInt32LE(lc.signature + 12);
  const sb = d.subarray(dataoff, dataoff + datasize);
  if (sb.length < 12 || sb.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE)
    return { valid: false, problem: 'no signature blob at LC_CODE_SIGNATURE' };
  const directories = [];
  for (let i = 0; i < sb.readUInt32BE(8); i++) {
    const at = sb.readUInt32BE(16 + 8 * i);
    if (sb.readUInt32BE(at) !== CSMAGIC_CODEDIRECTORY) continue;
    const cd = sb.subarray(at);
    const hashOffset = cd.readUInt32BE(16);
    const nCodeSlots = cd.readUInt32BE(28);
    const codeLimit = cd.readUInt32BE(32);
    const hashSize = cd[36];
    const hashType = cd[37];
    const pageSize = 1 << cd[39];
    const flags = cd.readUInt32BE(12);
    const identOffset = cd.readUInt32BE(20);
    const ident = cd.toString('latin1', identOffset, cd.indexOf(0, identOffset));
    const algorithm = hashType === CS_HASHTYPE_SHA256 ? 'sha256' : hashType === CS_HASHTYPE_SHA1 ? 'sha1' : undefined;
    if (!algorithm) return { valid: false, problem: `hash type ${hashType}` };
    let bad = 0;
    for (let p = 0; p < nCodeSlots; p++) {
      const page = d.subarray(p * pageSize, Math.min((p + 1) * pageSize, codeLimit));
      const want = cd.subarray(hashOffset + p * hashSize, hashOffset + (p + 1) * hashSize);
      if (!createHash(algorithm).update(page).digest().subarray(0, hashSize).equals(want)) bad++;
    }
    directories.push({
      ident,
      flags,
      codeLimit,
      pages: nCodeSlots,
      bad,
      covers: codeLimit === dataoff && nCodeSlots === Math.ceil(codeLimit / pageSize),
    });
  }
  if (directories.length === 0) return { valid: false, problem: 'no CodeDirectory' };
  const wrong = directories.find((cd) => cd.bad > 0 || !cd.covers);
  const problem =
    wrong && `${wrong.bad} of ${wrong.pages} page hashes differ; it covers ${wrong.codeLimit} of the ${dataoff} bytes before the signature`;
  return { valid: !wrong, ...(problem ? { problem } : {}), directories, adhoc: directories.every((cd) => (cd.flags & CS_ADHOC) !== 0) };
}

/**
 * Replaces the file's signature with an ad-hoc one (identifier `identifier`), in place: the
 * signature load command and __LINKEDIT are sized for the new one, then every page before it is
 * hashed (the load commands first: they are in the first page).
 */
export function signMachOAdHoc(file, identifier) {
  let d = readFileSync(file);
  const lc = loadCommands(d);
  if (lc.signature === undefined || lc.linkedit === undefined || lc.text === undefined)
    throw new Error('no LC_CODE_SIGNATURE, __LINKEDIT or __TEXT');
  const dataoff = d.readUInt32LE(lc.signature + 8);
  const linkeditFileoff = Number(d.readBigUInt64LE(lc.linkedit + 40));
  const linkeditFilesize = Number(d.readBigUInt64LE(lc.linkedit + 48));
  if (linkeditFileoff + linkeditFilesize < dataoff) throw new Error('the signature is not inside __LINKEDIT');
  const textFileoff = d.readBigUInt64LE(lc.text + 40);
  const textFilesize = d.readBigUInt64LE(lc.text + 48);

  const ident = Buffer.from(`${identifier}\0`, 'latin1');
  const nCodeSlots = Math.ceil(dataoff / PAGE);
  const cdLength = CD_HEADER + ident.length + nCodeSlots * 32;
  const blobLength = 12 + 8 + cdLength;
  const signatureSize = (blobLength + 15) & ~15;
  // segment_command_64: vmsize at +32, filesize at +48; linkedit_data_command: dataoff, datasize at +8.
  const segmentAlign = lc.cputype === CPU_TYPE_ARM64 ? 0x4000 : 0x1000;
  const newFilesize = dataoff + signatureSize - linkeditFileoff;
  d.writeUInt32LE(signatureSize, lc.signature + 12);
  d.writeBigUInt64LE(BigInt(Math.ceil(newFilesize / segmentAlign) * segmentAlign), lc.linkedit + 32);
  d.writeBigUInt64LE(BigInt(newFilesize), lc.linkedit + 48);
  d = d.subarray(0, dataoff);

  const cd = Buffer.alloc(cdLength);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cdLength, 4);
  cd.writeUInt32BE(0x20400, 8); // version
  cd.writeUInt32BE(CS_ADHOC | CS_LINKER_SIGNED, 12);
  cd.writeUInt32BE(CD_HEADER + ident.length, 16); // hashOffset
  cd.writeUInt32BE(CD_HEADER, 20); // identOffset
  cd.writeUInt32BE(0, 24); // nSpecialSlots
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(dataoff, 32); // codeLimit
  cd[36] = 32; // hashSize
  cd[37] = CS_HASHTYPE_SHA256;
  cd[38] = 0; // platform
  cd[39] = PAGE_SHIFT;
  // spare2, scatterOffset, teamOffset, spare3, codeLimit64: 0 (bytes 40–63)
  cd.writeBigUInt64BE(textFileoff, 64); // execSegBase
  cd.writeBigUInt64BE(textFilesize, 72); // execSegLimit
  cd.writeBigUInt64BE(CS_EXECSEG_MAIN_BINARY, 80); // execSegFlags
  ident.copy(cd, CD_HEADER);
  for (let p = 0; p < nCodeSlots; p++) {
    createHash('sha256')
      .update(d.subarray(p * PAGE, Math.min((p + 1) * PAGE, dataoff)))
      .digest()
      .copy(cd, CD_HEADER + ident.length + p * 32);
  }
  const superBlob = Buffer.alloc(signatureSize);
  superBlob.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  superBlob.writeUInt32BE(blobLength, 4);
  superBlob.writeUInt32BE(1, 8); // one blob:
  superBlob.writeUInt32BE(0, 12); // CSSLOT_CODEDIRECTORY
  superBlob.writeUInt32BE(20, 16); // at offset 20
  cd.copy(superBlob, 20);
  writeFileSync(file, Buffer.concat([d, superBlob]));
}
