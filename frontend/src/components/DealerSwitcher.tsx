import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../localize';
import { useSession, useViewer } from '../session';

/** Shown only to viewers with more than one dealer; switching refetches everything. */
export function DealerSwitcher() {
  const { t } = useTranslation();
  const local = useLocalized();
  const viewer = useViewer();
  const { switchDealer } = useSession();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (viewer.dealers.length <= 1) return null;

  // Group by region when the viewer's dealers span several (a manufacturer user).
  const regions = new Map<string, { label: string; dealers: typeof viewer.dealers }>();
  for (const access of viewer.dealers) {
    const region = access.dealer.region;
    const entry = regions.get(region.id) ?? { label: local(region.name, region.nameZh), dealers: [] };
    entry.dealers.push(access);
    regions.set(region.id, entry);
  }
  const option = (access: (typeof viewer.dealers)[number]) => (
    <option key={access.dealer.id} value={access.dealer.id}>
      {access.dealer.code} · {local(access.dealer.name, access.dealer.nameZh)}
    </option>
  );

  return (
    <div className="dealer-switcher">
      <select
        aria-label={t('header.switchDealer')}
        title={t('header.switchDealer')}
        data-testid="dealer-switcher"
        value={viewer.currentDealer?.id ?? ''}
        disabled={busy}
        onChange={async (event) => {
          const dealerId = event.target.value;
          setBusy(true);
          setFailure(null);
          const error = await switchDealer(dealerId);
          setBusy(false);
          if (error) setFailure(t('header.switchFailed', { message: error.message }));
        }}
      >
        {!viewer.currentDealer && <option value="">{t('header.noDealer')}</option>}
        {regions.size > 1
          ? [...regions.entries()].map(([regionId, group]) => (
              <optgroup key={regionId} label={group.label}>
                {group.dealers.map(option)}
              </optgroup>
            ))
          : viewer.dealers.map(option)}
      </select>
      {busy && (
        <span className="muted switch-status" role="status">
          {t('header.switching')}
        </span>
      )}
      {failure && (
        <span className="switch-error" role="alert" data-testid="switch-error">
          {failure}
        </span>
      )}
    </div>
  );
}
