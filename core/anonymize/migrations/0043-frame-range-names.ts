import type { Migration } from '../../db/migration.js';

/** One frame range, `{start, end, …}` → `{startFrame, endFrame, …}` (the other keys kept, in their order). */
const renamed = (from: string) => `json((
        SELECT json_group_array(
                 json(CASE WHEN json_type(value, '$.start') IS NOT NULL AND json_type(value, '$.startFrame') IS NULL
                   THEN json_patch(json_object('startFrame', json_extract(value, '$.start'), 'endFrame', json_extract(value, '$.end')),
                                   json_remove(value, '$.start', '$.end'))
                   ELSE value END) ORDER BY key)
        FROM json_each(plan_json, '${from}')))`;

/**
 * Shipped: never edit; add a new migration instead.
 * Frame ranges are `startFrame`/`endFrame` everywhere (seconds stay `start`/`end`): the plans in the export audit
 * are rewritten. Sealed copies (job outputs; export plans sealed since migration 42) cannot be read here; `upgradeStoredPlan` renames those when read.
 */
export const frameRangeNamesMigration: Migration = {
  version: 43,
  name: 'export plans name frame ranges startFrame/endFrame',
  up: `
      UPDATE anonymize_exports SET plan_json = json_set(plan_json, '$.masks.timed', ${renamed('$.masks.timed')})
        WHERE plan_json IS NOT NULL AND json_valid(plan_json) AND json_type(plan_json, '$.masks.timed') = 'array';
      UPDATE anonymize_exports SET plan_json = json_set(plan_json,
          '$.removed', ${renamed('$.removed')},
          '$.blacked', ${renamed('$.blacked')},
          '$.kept', ${renamed('$.kept')},
          '$.ignoredSegments', ${renamed('$.ignoredSegments')})
        WHERE plan_json IS NOT NULL AND json_valid(plan_json) AND json_type(plan_json, '$.kept') = 'array';
    `,
};
