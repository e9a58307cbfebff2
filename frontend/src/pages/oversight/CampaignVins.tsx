import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { csrfToken } from '../../api/client';

const MAX_BYTES = 5 * 1024 * 1024;

interface ImportResult {
  added: number;
  alreadyListed: number;
  invalid: { line: number; text: string; rule: string; message: string }[];
  duplicates: { line: number; vin: string; firstLine: number }[];
}

interface Refusal {
  message: string;
  rule: string;
}

/** Sends the VIN file as the request body (GraphQL takes at most 1 MB; a list may have 5). */
async function upload(campaignId: string, file: File): Promise<ImportResult | Refusal> {
  const token = csrfToken();
  const response = await fetch(`/api/oversight/campaigns/${encodeURIComponent(campaignId)}/vins`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'text/plain', ...(token ? { 'X-CSRF-Token': token } : {}) },
    body: file,
  });
  try {
    const body = (await response.json()) as {
      data?: ImportResult;
      errors?: { message: string; extensions?: { rule?: string; code?: string } }[];
    };
    if (response.ok && body.data) return body.data;
    const first = body.errors?.[0];
    return { message: first?.message ?? response.statusText, rule: first?.extensions?.rule ?? first?.extensions?.code ?? '' };
  } catch {
    return { message: response.statusText, rule: String(response.status) };
  }
}

/** The regional manager imports the campaign's affected VINs; the report names every refused line. */
export function CampaignVins({ campaignId, changed }: { campaignId: string; changed: () => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const send = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setBusy(true);
    setResult(null);
    setRefusal(null);
    const answer = file.size > MAX_BYTES ? { message: t('oversight.campaigns.vins.hint'), rule: 'file_too_large' } : await upload(campaignId, file);
    if ('added' in answer) {
      setResult(answer);
      changed();
    } else setRefusal(answer);
    setBusy(false);
    if (input.current) input.current.value = '';
  };
  return (
    <section className="panel" aria-labelledby="campaign-vins" data-testid="campaign-vins">
      <div className="panel-header">
        <h2 id="campaign-vins">{t('oversight.campaigns.vins.title')}</h2>
        <label className="button button-secondary">
          {busy ? t('oversight.campaigns.vins.importing') : t('oversight.campaigns.vins.choose')}
          <input
            ref={input}
            type="file"
            accept=".txt,.csv,text/plain,text/csv"
            style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
            disabled={busy}
            data-testid="campaign-vin-file"
            onChange={(e) => void send(e.target.files)}
          />
        </label>
      </div>
      <p className="hint">{t('oversight.campaigns.vins.hint')}</p>
      {refusal && (
        <div className="alert alert-error" role="alert" data-testid="campaign-vin-error" data-rule={refusal.rule}>
          {t('oversight.campaigns.vins.failed', { message: refusal.message })}
        </div>
      )}
      {result && (
        <div data-testid="campaign-vin-result" data-added={result.added} data-already={result.alreadyListed}>
          <p className="alert alert-success">{t('oversight.campaigns.vins.result', { added: result.added, already: result.alreadyListed })}</p>
          {result.invalid.length > 0 && (
            <>
              <h3>{t('oversight.campaigns.vins.invalid')}</h3>
              <ul className="plain-list" data-testid="campaign-vin-invalid">
                {result.invalid.map((i) => (
                  <li key={i.line} data-line={i.line} data-rule={i.rule}>
                    {t('oversight.campaigns.vins.line')} {i.line}: <code>{i.text}</code> — {i.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.duplicates.length > 0 && (
            <>
              <h3>{t('oversight.campaigns.vins.duplicates')}</h3>
              <ul className="plain-list" data-testid="campaign-vin-duplicates">
                {result.duplicates.map((d) => (
                  <li key={d.line}>
                    {t('oversight.campaigns.vins.line')} {d.line}: <code>{d.vin}</code> ({t('oversight.campaigns.vins.firstLine', { line: d.firstLine })})
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
