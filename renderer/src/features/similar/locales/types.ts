import type en from './en.json';

declare module '../../../i18n/types.js' {
  interface Catalogues {
    similar: typeof en;
  }
}
