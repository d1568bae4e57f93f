import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const isCi = process.env.CI === 'true' || process.env.CI === '1';
export const isRoot = process.getuid?.() === 0;

/**
 * A test that needs something this machine lacks (root, a tool, a folder). Under CI it fails, so CI can never
 * pass by skipping; on a developer's machine it is reported as skipped with the reason. Returns false then.
 */
export function requireEnvironment(t: TestContext, ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (isCi) throw new Error(`This test cannot run here: ${reason}`);
  t.skip(reason);
  return false;
}

/** Mount a small tmpfs on `dir` (root only) for fault tests; the returned function unmounts it. */
export function mountTmpfs(dir: string, options: string): () => void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  return () => execFileSync('umount', [dir]);
}

/**
 * Make `dir` read-only in place (root only): a bind mount of itself, remounted read-only — the state of a disk
 * the kernel remounted after I/O errors. Writes and removals in it fail with EROFS; the returned function undoes it.
 */
export function mountReadOnly(dir: string): () => void {
  execFileSync('mount', ['--bind', dir, dir]);
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
  } catch (err) {
    execFileSync('umount', [dir]);
    throw err;
  }
  return () => execFileSync('umount', [dir]);
}

/**
 * Put a regular file where the folder `dir` was (the folder moved aside): nothing can be written into it nor
 * removed from it, also as root (permissions do not stop root; a path through a file fails with ENOTDIR or
 * EEXIST) — a fault for any user. The returned function puts the folder back.
 */
export function replaceDirWithFile(dir: string): () => void {
  const aside = `${dir}.aside-${process.pid}`;
  renameSync(dir, aside);
  writeFileSync(dir, '');
  return () => {
    rmSync(dir, { force: true });
    renameSync(aside, dir);
  };
}

/** A tool's path: on PATH, or in the system folders a non-login root PATH may lack; null when not installed. */
function toolPath(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.map((dir) => path.join(dir, name)).find((f) => existsSync(f)) ?? null;
}

/**
 * Mount a fresh 16 MB FAT or exFAT file system on the empty folder `dir` (root, FUSE: this kernel may have no
 * vfat/exfat module): FAT with mkfs.vfat (dosfstools) and fusefat on an image file; exFAT with mkfs.exfat
 * (exfatprogs) and exfat-fuse on a loop device. Returns the unmount function, or why it cannot be done here.
 */
export function mountFat(kind: 'fat' | 'exfat', dir: string): { unmount: () => void } | { reason: string } {
  const names = kind === 'fat' ? ['mkfs.vfat', 'fusefat'] : ['mkfs.exfat', 'mount.exfat-fuse', 'losetup'];
  const tool = Object.fromEntries(names.map((n) => [n, toolPath(n)]));
  const missing = names.filter((n) => !tool[n]);
  const what = kind === 'fat' ? 'a FAT' : 'an exFAT';
  if (!isRoot) return { reason: `mounting ${what} file system needs root` };
  if (missing.length) {
    return {
      reason: `${missing.join(', ')} not installed (Debian: dosfstools fusefat exfatprogs exfat-fuse)`,
    };
  }
  const image = `${dir}.img`;
  writeFileSync(image, '');
  truncateSync(image, 16 << 20);
  let loop: string | null = null;
  try {
    if (kind === 'fat') {
      execFileSync(tool['mkfs.vfat']!, [image], { stdio: 'ignore' });
      execFileSync(tool['fusefat']!, ['-o', 'rw+', image, dir], { stdio: 'ignore' });
    } else {
      execFileSync(tool['mkfs.exfat']!, [image], { stdio: 'ignore' });
      loop = execFileSync(tool['losetup']!, ['-f', '--show', image], { encoding: 'utf8' }).trim();
      execFileSync(tool['mount.exfat-fuse']!, [loop, dir], { stdio: 'ignore' });
    }
  } catch (err) {
    if (loop) execFileSync(tool['losetup']!, ['-d', loop]);
    rmSync(image, { force: true });
    return {
      reason: `mounting ${what} image was refused here: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    };
  }
  return {
    unmount: () => {
      execFileSync('umount', [dir]);
      if (loop) execFileSync(tool['losetup']!, ['-d', loop]);
      rmSync(image, { force: true });
    },
  };
}
