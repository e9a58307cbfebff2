import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';

type Point = readonly [number, number];

const WIDTH = 560;
const HEIGHT = 180;

/**
 * The strokes as a small SVG data URL: vector, a few kilobytes, and shown again at any
 * size (on the order, the settlement print, the approval record) without blurring.
 */
export function signatureToDataUrl(strokes: readonly (readonly Point[])[]): string {
  const paths = strokes
    .filter((s) => s.length > 0)
    .map((s) => {
      const [first, ...rest] = s;
      const start = `M${first![0].toFixed(1)} ${first![1].toFixed(1)}`;
      const line = rest.length ? rest.map(([x, y]) => `L${x.toFixed(1)} ${y.toFixed(1)}`).join('') : 'l0.1 0';
      return `<path d="${start}${line}"/>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">` +
    `<g fill="none" stroke="#111" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">${paths}</g></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/**
 * 客户签名: the customer signs with a finger, pen or mouse on a canvas; the parent gets
 * the signature as an SVG data URL (null while empty). Strokes are kept in the pad's own
 * coordinates so the canvas can scale with the page.
 */
export function SignaturePad({
  onChange,
  disabled = false,
  testId = 'signature-pad',
}: {
  onChange: (dataUrl: string | null) => void;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const strokesRef = useRef<Point[][]>([]);
  const drawingRef = useRef(false);
  const [empty, setEmpty] = useState(true);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.lineWidth = 2.4;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
    for (const stroke of strokesRef.current) {
      if (stroke.length === 0) continue;
      ctx.beginPath();
      ctx.moveTo(stroke[0]![0], stroke[0]![1]);
      if (stroke.length === 1) ctx.lineTo(stroke[0]![0] + 0.1, stroke[0]![1]);
      for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
      ctx.stroke();
    }
  }, []);

  useEffect(redraw, [redraw]);

  const point = (event: ReactPointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [
      ((event.clientX - rect.left) / rect.width) * WIDTH,
      ((event.clientY - rect.top) / rect.height) * HEIGHT,
    ];
  };

  const finish = () => {
    if (!drawingRef.current) return;
    drawingRef.current = false;
    const strokes = strokesRef.current;
    setEmpty(strokes.length === 0);
    onChange(strokes.length ? signatureToDataUrl(strokes) : null);
  };

  const clear = () => {
    strokesRef.current = [];
    redraw();
    setEmpty(true);
    onChange(null);
  };

  return (
    <div className={`signature${disabled ? ' disabled' : ''}`} data-testid={testId} data-empty={empty}>
      <canvas
        ref={canvasRef}
        width={WIDTH}
        height={HEIGHT}
        className="signature-canvas"
        role="img"
        aria-label={t('signature.label')}
        onPointerDown={(event) => {
          if (disabled) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          drawingRef.current = true;
          strokesRef.current.push([point(event)]);
          redraw();
        }}
        onPointerMove={(event) => {
          if (!drawingRef.current) return;
          strokesRef.current[strokesRef.current.length - 1]!.push(point(event));
          redraw();
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
        onPointerLeave={finish}
      />
      <div className="signature-footer">
        <span className="hint">{empty ? t('signature.hint') : t('signature.signed')}</span>
        <button type="button" className="button button-secondary button-small" onClick={clear} disabled={disabled || empty} data-testid={`${testId}-clear`}>
          {t('signature.clear')}
        </button>
      </div>
    </div>
  );
}
