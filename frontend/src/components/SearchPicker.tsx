import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A search box with a result list, driven from the keyboard (↑ ↓ Enter Esc) or the mouse.
 * The parent runs the search (`results` for the current `query`) and gets the choice.
 */
export function SearchPicker<T>({
  label,
  placeholder,
  query,
  onQuery,
  results,
  fetching,
  render,
  keyOf,
  onPick,
  testId,
  autoFocus,
}: {
  label: string;
  placeholder?: string;
  query: string;
  onQuery: (q: string) => void;
  results: readonly T[];
  fetching?: boolean;
  render: (item: T) => ReactNode;
  keyOf: (item: T) => string;
  onPick: (item: T) => void;
  testId: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement | null>(null);

  useEffect(() => setActive(0), [results]);
  useEffect(() => {
    const close = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);

  const pick = (item: T | undefined) => {
    if (!item) return;
    onPick(item);
    setOpen(false);
  };
  const showList = open && query.trim().length > 0;

  return (
    <div className="picker control" ref={box}>
      <span id={`${id}-label`}>{label}</span>
      <input
        className="input"
        role="combobox"
        aria-expanded={showList}
        aria-controls={`${id}-list`}
        aria-labelledby={`${id}-label`}
        aria-activedescendant={showList && results.length ? `${id}-${active}` : undefined}
        autoComplete="off"
        autoFocus={autoFocus}
        placeholder={placeholder}
        value={query}
        data-testid={testId}
        onChange={(e) => {
          onQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter') {
            if (showList && results.length) {
              e.preventDefault();
              pick(results[active]);
            }
          } else if (e.key === 'Escape') {
            setOpen(false);
          }
        }}
      />
      {showList && (
        <ul className="picker-results" role="listbox" id={`${id}-list`} data-testid={`${testId}-results`}>
          {results.length === 0 && (
            <li className="muted" aria-disabled="true">
              {fetching ? t('common.searching') : t('common.noResults')}
            </li>
          )}
          {results.map((item, index) => (
            <li
              key={keyOf(item)}
              id={`${id}-${index}`}
              role="option"
              aria-selected={index === active}
              data-testid={`${testId}-option`}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(item);
              }}
              onMouseEnter={() => setActive(index)}
            >
              {render(item)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The value after it stopped changing for `ms`: searches do not run on every key. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
