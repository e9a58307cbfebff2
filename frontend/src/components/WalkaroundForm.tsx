import { useTranslation } from 'react-i18next';
import { CarDiagram, type DamageMark } from './CarDiagram';
import { SignaturePad } from './SignaturePad';

/** The checklist of the digest's walk-around (环车检查), in its order. */
export const CHECKLIST_ITEMS = ['hood', 'plate_vin', 'fluids', 'body', 'spare_wheel', 'interior', 'electrics'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export type CheckState = 'ok' | 'issue';

export interface WalkaroundValue {
  checklist: Partial<Record<ChecklistItem, { state: CheckState; note: string }>>;
  damageMarks: DamageMark[];
  valuables: string;
  fuelLevel: number | null;
  odometerKm: string;
  customerSignature: string | null;
}

export const EMPTY_WALKAROUND: WalkaroundValue = {
  checklist: {},
  damageMarks: [],
  valuables: '',
  fuelLevel: null,
  odometerKm: '',
  customerSignature: null,
};

/** Checklist, car diagram with damage marks, valuables, fuel, odometer and signature. */
export function WalkaroundForm({
  value,
  onChange,
  readOnly = false,
}: {
  value: WalkaroundValue;
  onChange: (value: WalkaroundValue) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<WalkaroundValue>) => onChange({ ...value, ...patch });

  return (
    <div className="walkaround" data-testid="walkaround-form">
      <section className="panel">
        <div className="panel-header">
          <h2>{t('walkaround.checklist')}</h2>
        </div>
        <ul className="checklist">
          {CHECKLIST_ITEMS.map((item) => {
            const entry = value.checklist[item];
            const choose = (state: CheckState) =>
              set({ checklist: { ...value.checklist, [item]: { state, note: entry?.note ?? '' } } });
            return (
              <li key={item} data-testid={`check-${item}`} data-state={entry?.state ?? ''}>
                <span>{t(`walkaround.items.${item}`)}</span>
                <div className="segmented segmented-light" role="radiogroup" aria-label={t(`walkaround.items.${item}`)}>
                  {(['ok', 'issue'] as const).map((state) => (
                    <button
                      key={state}
                      type="button"
                      role="radio"
                      aria-checked={entry?.state === state}
                      className={entry?.state === state ? 'active' : undefined}
                      disabled={readOnly}
                      data-testid={`check-${item}-${state}`}
                      onClick={() => choose(state)}
                    >
                      {t(`walkaround.${state}`)}
                    </button>
                  ))}
                </div>
                {entry?.state === 'issue' && (
                  <input
                    className="input input-small"
                    style={{ maxWidth: 160 }}
                    aria-label={`${t(`walkaround.items.${item}`)}: ${t('common.notes')}`}
                    placeholder={t('common.notes')}
                    value={entry.note}
                    readOnly={readOnly}
                    onChange={(e) =>
                      set({ checklist: { ...value.checklist, [item]: { state: 'issue', note: e.target.value } } })
                    }
                  />
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="panel">
        <div className="panel-header">
          <h2>{t('walkaround.diagram')}</h2>
        </div>
        <CarDiagram marks={value.damageMarks} readOnly={readOnly} onChange={(damageMarks) => set({ damageMarks })} />
      </section>

      <section className="panel">
        <div className="form-grid">
          <label className="control span-2">
            <span>{t('walkaround.valuables')}</span>
            <input
              className="input"
              data-testid="walkaround-valuables"
              value={value.valuables}
              readOnly={readOnly}
              onChange={(e) => set({ valuables: e.target.value })}
            />
          </label>
          <label className="control">
            <span>{t('walkaround.odometer')}</span>
            <input
              className="input input-num"
              inputMode="numeric"
              data-testid="walkaround-odometer"
              value={value.odometerKm}
              readOnly={readOnly}
              onChange={(e) => set({ odometerKm: e.target.value.replace(/[^0-9]/g, '') })}
            />
          </label>
          <div className="control span-2">
            <span id="fuel-label">{t('walkaround.fuel')}</span>
            <div className="segmented segmented-light fuel-gauge" role="radiogroup" aria-labelledby="fuel-label" data-testid="walkaround-fuel">
              {Array.from({ length: 9 }, (_, level) => (
                <button
                  key={level}
                  type="button"
                  role="radio"
                  aria-checked={value.fuelLevel === level}
                  className={value.fuelLevel === level ? 'active' : undefined}
                  disabled={readOnly}
                  data-testid={`fuel-${level}`}
                  onClick={() => set({ fuelLevel: level })}
                >
                  {level === 0 ? 'E' : level === 8 ? 'F' : t('walkaround.fuelEighths', { value: level })}
                </button>
              ))}
            </div>
          </div>
        </div>
      </section>

      <section className="panel">
        <div className="panel-header">
          <h2>{t('walkaround.customerSignature')}</h2>
        </div>
        {readOnly ? (
          value.customerSignature ? (
            <img className="signature-image" src={value.customerSignature} alt={t('walkaround.customerSignature')} />
          ) : (
            <p className="muted">—</p>
          )
        ) : (
          <SignaturePad testId="walkaround-signature" onChange={(customerSignature) => set({ customerSignature })} />
        )}
      </section>
    </div>
  );
}
