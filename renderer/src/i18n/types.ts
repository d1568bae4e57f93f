import type common from './locales/en.json';

/**
 * The shape of every namespace, taken from its English catalogue, so `t('library:count')` is checked by the
 * compiler. A feature adds its namespace from its own folder (features/<name>/locales/types.ts):
 *
 *   import type en from './en.json';
 *   declare module '../../../i18n/types.js' { interface Catalogues { <name>: typeof en } }
 */
export interface Catalogues {
  common: typeof common;
}

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: Catalogues;
  }
}
