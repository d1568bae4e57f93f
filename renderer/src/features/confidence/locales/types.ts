import type en from './en.json';

declare module '../../../i18n/types.js' {
  interface Catalogues {
    confidence: typeof en;
  }
}
