import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** The packaging config at the project root, as electron-builder reads it (YAML). */
export function readBuilderConfig<T>(): T {
  return load(readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as T;
}
