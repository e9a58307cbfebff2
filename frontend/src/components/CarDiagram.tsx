import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** Kinds of damage marked at the walk-around (环车检查), as the checklist names them. */
export const DAMAGE_KINDS = ['scratch', 'dent', 'crack', 'chip', 'missing'] as const;
export type DamageKind = (typeof DAMAGE_KINDS)[number];

/** A mark on the diagram: position in the diagram's own 0..1 coordinates, the panel hit. */
export interface DamageMark {
  x: number;
  y: number;
  panel: string;
  kind: DamageKind;
  note: string;
}

const SYMBOL: Record<DamageKind, string> = { scratch: 'S', dent: 'D', crack: 'C', chip: 'P', missing: 'M' };

const W = 220;
const H = 440;

/** Body panels of a car seen from above, front at the top; `d` in a 220 × 440 box. */
export const PANELS: readonly { key: string; d: string; cx: number; cy: number }[] = [
  { key: 'frontBumper', d: 'M48 22 Q110 2 172 22 L176 44 L44 44 Z', cx: 110, cy: 30 },
  { key: 'hood', d: 'M44 44 L176 44 L170 128 L50 128 Z', cx: 110, cy: 86 },
  { key: 'windscreen', d: 'M50 128 L170 128 L160 162 L60 162 Z', cx: 110, cy: 145 },
  { key: 'roof', d: 'M60 162 L160 162 L160 282 L60 282 Z', cx: 110, cy: 222 },
  { key: 'rearWindow', d: 'M60 282 L160 282 L168 310 L52 310 Z', cx: 110, cy: 296 },
  { key: 'trunk', d: 'M52 310 L168 310 L174 396 L46 396 Z', cx: 110, cy: 352 },
  { key: 'rearBumper', d: 'M46 396 L174 396 L170 418 Q110 436 50 418 Z', cx: 110, cy: 410 },
  { key: 'leftFrontWing', d: 'M22 48 L44 44 L50 128 L22 132 Z', cx: 34, cy: 90 },
  { key: 'leftFrontDoor', d: 'M22 132 L50 128 L60 162 L60 222 L22 222 Z', cx: 40, cy: 180 },
  { key: 'leftRearDoor', d: 'M22 222 L60 222 L60 282 L52 310 L22 306 Z', cx: 40, cy: 262 },
  { key: 'leftRearQuarter', d: 'M22 306 L52 310 L46 396 L24 390 Z', cx: 36, cy: 352 },
  { key: 'rightFrontWing', d: 'M176 44 L198 48 L198 132 L170 128 Z', cx: 186, cy: 90 },
  { key: 'rightFrontDoor', d: 'M170 128 L198 132 L198 222 L160 222 L160 162 Z', cx: 180, cy: 180 },
  { key: 'rightRearDoor', d: 'M160 222 L198 222 L198 306 L168 310 L160 282 Z', cx: 180, cy: 262 },
  { key: 'rightRearQuarter', d: 'M168 310 L198 306 L196 390 L174 396 Z', cx: 184, cy: 352 },
];

const WHEELS = [
  { key: 'wheelFrontLeft', x: 6, y: 70 },
  { key: 'wheelFrontRight', x: 198, y: 70 },
  { key: 'wheelRearLeft', x: 6, y: 320 },
  { key: 'wheelRearRight', x: 198, y: 320 },
];

/**
 * 环车检查 car diagram: click (or focus a panel and press Enter) to place a mark of the
 * chosen kind; marks are listed below with their panel, a note and a remove button.
 */
export function CarDiagram({
  marks,
  onChange,
  readOnly = false,
}: {
  marks: readonly DamageMark[];
  onChange?: (marks: DamageMark[]) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<DamageKind>('scratch');
  const editable = !readOnly && !!onChange;

  const add = (panel: string, x: number, y: number) => {
    if (!editable) return;
    onChange!([...marks, { x: round(x / W), y: round(y / H), panel, kind, note: '' }]);
  };

  const clickPanel = (panel: string) => (event: MouseEvent<SVGElement>) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (!svg) return;
    const rect = svg.getBoundingClientRect();
    add(panel, ((event.clientX - rect.left) / rect.width) * W, ((event.clientY - rect.top) / rect.height) * H);
  };

  const keyPanel = (panel: string, cx: number, cy: number) => (event: KeyboardEvent<SVGElement>) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    const offset = (marks.filter((m) => m.panel === panel).length % 4) * 8;
    add(panel, cx + offset, cy + offset);
  };

  return (
    <div className="car-diagram" data-testid="car-diagram">
      {editable && (
        <div className="segmented segmented-light damage-kinds" role="radiogroup" aria-label={t('walkaround.damageKind')}>
          {DAMAGE_KINDS.map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={kind === k}
              className={kind === k ? 'active' : undefined}
              onClick={() => setKind(k)}
              data-testid={`damage-kind-${k}`}
            >
              <span className={`damage-symbol damage-${k}`}>{SYMBOL[k]}</span> {t(`walkaround.damage.${k}`)}
            </button>
          ))}
        </div>
      )}
      <div className="car-diagram-body">
        <svg viewBox={`0 0 ${W} ${H}`} className="car-svg" role="group" aria-label={t('walkaround.diagram')}>
          {WHEELS.map((w) => (
            <rect
              key={w.key}
              x={w.x}
              y={w.y}
              width={16}
              height={50}
              rx={5}
              className={`car-wheel${marks.some((m) => m.panel === w.key) ? ' marked' : ''}`}
              tabIndex={editable ? 0 : -1}
              role={editable ? 'button' : undefined}
              aria-label={t(`walkaround.panels.${w.key}` as 'walkaround.panels.hood')}
              data-panel={w.key}
              onClick={clickPanel(w.key)}
              onKeyDown={keyPanel(w.key, w.x + 8, w.y + 25)}
            >
              <title>{t(`walkaround.panels.${w.key}` as 'walkaround.panels.hood')}</title>
            </rect>
          ))}
          {PANELS.map((p) => (
            <path
              key={p.key}
              d={p.d}
              className={`car-panel${marks.some((m) => m.panel === p.key) ? ' marked' : ''}`}
              tabIndex={editable ? 0 : -1}
              role={editable ? 'button' : undefined}
              aria-label={t(`walkaround.panels.${p.key}` as 'walkaround.panels.hood')}
              data-panel={p.key}
              onClick={clickPanel(p.key)}
              onKeyDown={keyPanel(p.key, p.cx, p.cy)}
            >
              <title>{t(`walkaround.panels.${p.key}` as 'walkaround.panels.hood')}</title>
            </path>
          ))}
          <text x={W / 2} y={14} className="car-front-label" textAnchor="middle">
            {t('walkaround.front')}
          </text>
          {marks.map((m, i) => (
            <g key={i} className={`damage-mark damage-${m.kind}`} transform={`translate(${m.x * W} ${m.y * H})`} data-testid="damage-mark">
              <circle r={8} />
              <text textAnchor="middle" dy={4}>
                {SYMBOL[m.kind] ?? '?'}
              </text>
            </g>
          ))}
        </svg>
        <ol className="damage-list" data-testid="damage-list">
          {marks.length === 0 && <li className="muted">{t('walkaround.noDamage')}</li>}
          {marks.map((m, i) => (
            <li key={i}>
              <span className={`damage-symbol damage-${m.kind}`}>{SYMBOL[m.kind] ?? '?'}</span>
              <span className="damage-text">
                {t(`walkaround.damage.${m.kind}`)} · {t(`walkaround.panels.${m.panel}` as 'walkaround.panels.hood')}
              </span>
              {editable ? (
                <>
                  <input
                    className="input input-small"
                    value={m.note}
                    placeholder={t('walkaround.markNote')}
                    aria-label={t('walkaround.markNote')}
                    onChange={(e) => onChange!(marks.map((x, j) => (j === i ? { ...x, note: e.target.value } : x)))}
                  />
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={t('walkaround.removeMark')}
                    onClick={() => onChange!(marks.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </>
              ) : (
                m.note && <span className="muted">{m.note}</span>
              )}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

function round(value: number): number {
  return Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 1000;
}
