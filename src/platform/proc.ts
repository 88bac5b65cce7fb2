/**
 * What Linux's /proc says about a process: one parser for /proc/<pid>/stat, used (through
 * linux.ts) by the signal logic (are we in the terminal's foreground group?), the recursion guard (who started us?) and
 * the shell-command deadline (which processes descend from the one we started?). Every function
 * returns undefined or an empty list where there is no /proc.
 */
import fs from 'node:fs';

export interface ProcStat {
  ppid: number;
  pgrp: number;
  /** The controlling terminal's device number; 0 when the process has none. */
  ttyNr: number;
  /** The terminal's foreground process group; -1 when there is no terminal. */
  tpgid: number;
}

export function procStat(pid: number | 'self'): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session tty_nr tpgid …": comm may hold spaces and ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), pgrp: Number(fields[2]), ttyNr: Number(fields[4]), tpgid: Number(fields[5]) };
}

/** Every process below `pid`, from /proc's parent links. */
export function descendants(pid: number): number[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const links: [number, number][] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name)); // undefined: it ended while we looked
    if (stat) links.push([Number(name), stat.ppid]);
  }
  return below(pid, links);
}

/** Every process below `pid`, given each process's [pid, parent]: breadth first. */
export function below(pid: number, links: readonly (readonly [number, number])[]): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of links) children.set(parent, [...(children.get(parent) ?? []), child]);
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}
