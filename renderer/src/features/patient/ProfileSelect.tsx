import type { ProfileInfo } from '../../../../core/api/types.js';

/**
 * A device profile picked by name, as the patient panel (which profile reads this video) and the profile editor
 * (which profile a new one starts from) ask for it; the empty value is the caller's own choice (`emptyLabel`).
 */
export function ProfileSelect(props: {
  label: string;
  className?: string;
  value: string;
  onChange: (name: string) => void;
  emptyLabel: string;
  profiles: ProfileInfo[];
  testId: string;
}) {
  return (
    <label className={props.className}>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="">{props.emptyLabel}</option>
        {props.profiles.map((p) => (
          <option key={p.profile.name} value={p.profile.name}>
            {p.profile.name}
          </option>
        ))}
      </select>
    </label>
  );
}
