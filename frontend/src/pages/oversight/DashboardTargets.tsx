import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../../api/useAction';
import { MutationError } from '../../components/Mutation';
import { SetKpiTargetDocument } from '../../gql/graphql';
import { type KpiMeta, TargetText, useKpiLabel, useKpiValue } from './DashboardBits';

interface EditableKpi extends KpiMeta {
  defaultTarget?: string | null;
}

/** 厂家考核目标: the manufacturer's targets, editable by those holding kpi_target:manage. */
export function DashboardTargets({ kpis }: { kpis: EditableKpi[] }) {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="dashboard-targets">
      <h2>{t('oversight.dashboard.targets.title')}</h2>
      <p className="hint">{t('oversight.dashboard.targets.intro')}</p>
      <div className="kpi-table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('oversight.dashboard.kpi')}</th>
              <th scope="col">{t('oversight.dashboard.target')}</th>
              <th scope="col">{t('oversight.dashboard.targets.direction')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {kpis.map((kpi) => (
              <TargetRow key={kpi.key} kpi={kpi} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TargetRow({ kpi }: { kpi: EditableKpi }) {
  const { t } = useTranslation();
  const label = useKpiLabel();
  const show = useKpiValue();
  const save = useAction(SetKpiTargetDocument);
  const [target, setTarget] = useState(kpi.target ?? '');
  const [direction, setDirection] = useState(kpi.direction);
  const [saved, setSaved] = useState(false);
  const submit = async (value: string | null) => {
    setSaved(false);
    const result = await save.run({ input: { kpi: kpi.key, target: value, direction: value === null ? null : direction } });
    if (result.data) {
      setTarget(result.data.setKpiTarget.target ?? '');
      setDirection(result.data.setKpiTarget.direction);
      setSaved(true);
    }
  };
  return (
    <tr data-testid="dashboard-target" data-kpi={kpi.key}>
      <th scope="row">
        {label(kpi)}
        <div className="muted">
          <TargetText kpi={kpi} />{' '}
          {kpi.defaultTarget ? t('oversight.dashboard.targets.default', { target: show(kpi, kpi.defaultTarget) }) : t('oversight.dashboard.targets.noDefault')}
        </div>
      </th>
      <td>
        <input
          type="number"
          step="any"
          min="0"
          value={target}
          aria-label={`${t('oversight.dashboard.target')}: ${label(kpi)}`}
          data-testid="dashboard-target-input"
          onChange={(e) => setTarget(e.target.value)}
        />
      </td>
      <td>
        <select value={direction} data-testid="dashboard-target-direction" onChange={(e) => setDirection(e.target.value)}>
          <option value="at_least">{t('oversight.dashboard.targets.directions.at_least')}</option>
          <option value="at_most">{t('oversight.dashboard.targets.directions.at_most')}</option>
        </select>
      </td>
      <td className="nowrap">
        <button type="button" className="button" disabled={save.pending || target === ''} data-testid="dashboard-target-save" onClick={() => void submit(target)}>
          {t('oversight.dashboard.targets.save')}
        </button>{' '}
        <button type="button" className="button button-secondary" disabled={save.pending} data-testid="dashboard-target-reset" onClick={() => void submit(null)}>
          {t('oversight.dashboard.targets.reset')}
        </button>
        {saved && (
          <span className="muted" role="status">
            {' '}
            {t('oversight.dashboard.targets.saved')}
          </span>
        )}
        <MutationError error={save.error} />
      </td>
    </tr>
  );
}
