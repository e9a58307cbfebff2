import { useState } from 'react';
import { useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { SearchPicker, useDebounced } from '../../components/SearchPicker';
import { ClaimPartSearchDocument, type OrderWarrantyFieldsFragment, type WarrantyClaimType } from '../../gql/graphql';
import { useLocalized } from '../../localize';

export interface PartChoice {
  id: string;
  partNumber: string;
  name: string;
  nameZh: string;
}

export const PREPARED_TYPES: WarrantyClaimType[] = ['STANDARD', 'FIRST_SERVICE', 'CAMPAIGN'];

/** The parts on the order's lines: the usual causal parts, offered first. */
export function orderParts(order: OrderWarrantyFieldsFragment): PartChoice[] {
  const seen = new Map<string, PartChoice>();
  for (const line of order.lines) if (line.part && !seen.has(line.part.id)) seen.set(line.part.id, line.part);
  return [...seen.values()];
}

/** 主因件: one of the order's parts, or any part of the catalog found by number or name. */
export function CausalPartPicker({
  value,
  onChange,
  offered,
}: {
  value: PartChoice | null;
  onChange: (part: PartChoice | null) => void;
  offered: PartChoice[];
}) {
  const { t } = useTranslation();
  const local = useLocalized();
  const [query, setQuery] = useState('');
  const search = useDebounced(query.trim());
  const [{ data, fetching }] = useQuery({ query: ClaimPartSearchDocument, variables: { search }, pause: search.length < 2 });
  const found = (data?.parts.edges ?? []).map((e) => e.node);
  return (
    <div className="control span-2" data-testid="causal-part">
      <span>{t('warranty.claims.build.causalPart')}</span>
      <div className="inline-list">
        <select
          className="select"
          aria-label={t('warranty.claims.build.causalPart')}
          value={value?.id ?? ''}
          data-testid="causal-part-select"
          onChange={(e) => onChange([...offered, ...(value ? [value] : [])].find((p) => p.id === e.target.value) ?? null)}
        >
          <option value="">{t('warranty.claims.build.causalPartNone')}</option>
          {value && !offered.some((p) => p.id === value.id) && (
            <option value={value.id}>
              {value.partNumber} {local(value.name, value.nameZh)}
            </option>
          )}
          {offered.map((p) => (
            <option key={p.id} value={p.id}>
              {p.partNumber} {local(p.name, p.nameZh)}
            </option>
          ))}
        </select>
        <div style={{ minWidth: 260 }}>
          <SearchPicker
            label={t('warranty.claims.build.searchPart')}
            placeholder={t('warranty.claims.build.searchPart')}
            query={query}
            onQuery={setQuery}
            results={found}
            fetching={fetching}
            keyOf={(p) => p.id}
            testId="causal-part-search"
            render={(p) => (
              <span>
                <span className="mono">{p.partNumber}</span> {local(p.name, p.nameZh)} <span className="muted">{p.partGroup}</span>
              </span>
            )}
            onPick={(p) => {
              onChange(p);
              setQuery('');
            }}
          />
        </div>
      </div>
    </div>
  );
}

export interface ThreeC {
  complaint: string;
  cause: string;
  correction: string;
}

/** Complaint, cause, correction (the 3C every claim must tell). */
export function ThreeCFields({ value, onChange }: { value: ThreeC; onChange: (value: ThreeC) => void }) {
  const { t } = useTranslation();
  const field = (name: keyof ThreeC, label: string) => (
    <label className="control span-all" key={name}>
      <span>{label}</span>
      <textarea
        className="textarea"
        value={value[name]}
        maxLength={4000}
        data-testid={`claim-${name}`}
        onChange={(e) => onChange({ ...value, [name]: e.target.value })}
      />
    </label>
  );
  return (
    <>
      {field('complaint', t('warranty.claims.build.complaint'))}
      {field('cause', t('warranty.claims.build.cause'))}
      {field('correction', t('warranty.claims.build.correction'))}
    </>
  );
}
