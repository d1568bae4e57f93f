import { useTranslation } from 'react-i18next';

export type EndoscopeShape = 'circle' | 'octagon' | 'rectangle';

/** The endoscope image's shape, as the region editor and the profile editor ask for it. */
export function ShapeSelect({
  value,
  onChange,
  testId,
}: {
  value: EndoscopeShape;
  onChange: (s: EndoscopeShape) => void;
  testId?: string;
}) {
  const { t } = useTranslation('patient');
  return (
    <label>
      <span>{t('shape')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as EndoscopeShape)} data-testid={testId}>
        {(['circle', 'octagon', 'rectangle'] as const).map((o) => (
          <option key={o} value={o}>
            {t(`shapes.${o}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
