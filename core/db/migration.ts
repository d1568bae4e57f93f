/** One schema change: applied once, in one transaction, recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}
