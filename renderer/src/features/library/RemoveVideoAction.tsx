import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/ui.js';
import { navigate } from '../../lib/route.js';
import type { VideoPanelProps } from '../video/panel-types.js';
import { RemoveVideosDialog } from './RemoveVideosDialog.js';

/** "Remove from library…" in the video view: the shared confirmation, then back to the library. */
export function RemoveVideoAction({ video }: VideoPanelProps) {
  const { t } = useTranslation('library');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)} data-testid="action-remove">
        {t('remove.action')}
      </Button>
      {open && (
        <RemoveVideosDialog
          videos={[video]}
          onClose={() => setOpen(false)}
          onRemoved={() => {
            setOpen(false);
            navigate({ name: 'library' });
          }}
        />
      )}
    </>
  );
}
