import path from 'node:path';

/** A video's artifact folder, relative to the library's artifacts folder: named after the content's hash. */
export function artifactRelDir(sha256: string): string {
  return path.join(sha256.slice(0, 2), sha256);
}
