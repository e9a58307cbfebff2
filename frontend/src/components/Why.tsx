import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyLineFieldsFragment } from '../gql/graphql';
import { formatDateTime } from '../localize';

export type RoleNamer = (key: string) => string;

/** A "why?" toggle and, when open, the policy lines that grant (or deny) the item. */
export function WhyToggle({
  lines,
  roleName,
  timeZone,
  testId,
}: {
  lines: readonly PolicyLineFieldsFragment[];
  roleName: RoleNamer;
  timeZone: string | undefined;
  testId: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <>
      <button
        type="button"
        className="why-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid={`why-${testId}`}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
        {open ? t('myAccess.hideWhy') : t('myAccess.why')}
      </button>
      {open && (
        <div id={panelId} className="why-panel" data-testid={`why-panel-${testId}`}>
          <div className="why-title">{t('myAccess.whyTitle')}</div>
          {lines.length === 0 ? (
            <p className="muted">{t('myAccess.noLines')}</p>
          ) : (
            <ol className="policy-lines">
              {lines.map((line, index) => (
                <PolicyLineItem key={index} line={line} roleName={roleName} timeZone={timeZone} />
              ))}
            </ol>
          )}
        </div>
      )}
    </>
  );
}

function PolicyLineItem({
  line,
  roleName,
  timeZone,
}: {
  line: PolicyLineFieldsFragment;
  roleName: RoleNamer;
  timeZone: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const override = Boolean(line.createdBy || line.createdAt || line.reason);
  const effect = line.effect?.toLowerCase();
  const sourceKey = `myAccess.source.${line.source}`;
  const source = i18n.exists(sourceKey) ? t(sourceKey as 'myAccess.source.catalog') : line.source;
  return (
    <li className={`policy-line${override ? ' override' : ''}${effect === 'deny' ? ' deny' : ''}`} data-testid="policy-line">
      <code className="policy-text">{line.text}</code>
      <dl className="policy-meta">
        <div>
          <dt>{t('myAccess.line.source')}</dt>
          <dd>{source}</dd>
        </div>
        {line.role && (
          <div>
            <dt>{t('myAccess.line.role')}</dt>
            <dd>{roleName(line.role)}</dd>
          </div>
        )}
        {effect && (
          <div>
            <dt>{t('myAccess.line.effect')}</dt>
            <dd className={`effect effect-${effect}`}>
              {effect === 'allow' || effect === 'deny' ? t(`myAccess.effect.${effect}`) : line.effect}
            </dd>
          </div>
        )}
        {line.createdBy && (
          <div>
            <dt>{t('myAccess.line.by')}</dt>
            <dd>{line.createdBy}</dd>
          </div>
        )}
        {line.createdAt && (
          <div>
            <dt>{t('myAccess.line.at')}</dt>
            <dd>{formatDateTime(line.createdAt, i18n.language, timeZone)}</dd>
          </div>
        )}
        {line.reason && (
          <div className="wide">
            <dt>{t('myAccess.line.reason')}</dt>
            <dd>{line.reason}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}
