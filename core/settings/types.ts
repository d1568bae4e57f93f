/** Events of the settings capability. */
export type SettingsEvent = { type: 'settings.changed'; key: string; value: unknown };
