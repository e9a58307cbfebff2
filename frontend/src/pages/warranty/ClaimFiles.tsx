import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { csrfToken } from '../../api/client';
import { useAction } from '../../api/useAction';
import { When } from '../../components/Bits';
import { MutationError } from '../../components/Mutation';
import { RemoveWarrantyClaimFileDocument } from '../../gql/graphql';
import type { ClaimSectionProps } from './ClaimPage';

const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf,video/mp4';
const MAX_BYTES = 10 * 1024 * 1024;

interface UploadError {
  message: string;
  rule: string;
}

/** Sends one file as the request body (GraphQL takes at most 1 MB; a photo may have 10). */
async function upload(claimId: string, file: File): Promise<UploadError | null> {
  const token = csrfToken();
  const response = await fetch(`/api/warranty/claims/${encodeURIComponent(claimId)}/files`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': file.type || 'application/octet-stream',
      'X-File-Name': encodeURIComponent(file.name),
      ...(token ? { 'X-CSRF-Token': token } : {}),
    },
    body: file,
  });
  if (response.ok) return null;
  try {
    const body = (await response.json()) as { errors?: { message: string; extensions?: { rule?: string; code?: string } }[] };
    const first = body.errors?.[0];
    return { message: first?.message ?? response.statusText, rule: first?.extensions?.rule ?? first?.extensions?.code ?? '' };
  } catch {
    return { message: response.statusText, rule: String(response.status) };
  }
}

/** Photos and documents of the claim: each with its size and SHA-256, downloadable. */
export function ClaimFiles({ claim, changed, editing }: ClaimSectionProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<UploadError | null>(null);
  const remove = useAction(RemoveWarrantyClaimFileDocument);

  const send = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setBusy(true);
    setFailure(null);
    for (const file of Array.from(files)) {
      const refused =
        file.size > MAX_BYTES ? { message: t('warranty.claims.files.limits'), rule: 'file_too_large' } : await upload(claim.id, file);
      if (refused) {
        setFailure(refused);
        break;
      }
    }
    setBusy(false);
    if (input.current) input.current.value = '';
    changed();
  };

  return (
    <section className="panel" aria-labelledby="files-heading" data-testid="claim-files">
      <div className="panel-header">
        <h2 id="files-heading">{t('warranty.claims.files.title')}</h2>
        {editing && (
          <label className="button button-secondary" data-testid="claim-upload-label">
            {busy ? t('warranty.claims.files.uploading') : t('warranty.claims.files.upload')}
            <input
              ref={input}
              type="file"
              accept={ACCEPT}
              multiple
              className="visually-hidden"
              style={{ position: 'absolute', width: 1, height: 1, opacity: 0 }}
              disabled={busy}
              data-testid="claim-upload"
              onChange={(e) => void send(e.target.files)}
            />
          </label>
        )}
      </div>
      {editing && <p className="hint">{t('warranty.claims.files.limits')}</p>}
      {failure && (
        <div className="alert alert-error" role="alert" data-testid="upload-error" data-rule={failure.rule}>
          {t('warranty.claims.files.failed', { message: failure.message })}
        </div>
      )}
      <MutationError error={remove.error} />
      {claim.files.length === 0 ? (
        <p className="empty">{t('warranty.claims.files.empty')}</p>
      ) : (
        <ul className="plain-list claim-files">
          {claim.files.map((f) => (
            <li key={f.id} data-testid="claim-file" data-sha256={f.sha256}>
              <a href={f.url} download={f.fileName}>
                {f.fileName}
              </a>
              <span className="muted">{t('warranty.claims.files.sizeKb', { size: Math.max(1, Math.round(f.sizeBytes / 1024)) })}</span>
              <code className="muted" title={f.sha256}>
                {f.sha256.slice(0, 12)}…
              </code>
              <span className="muted">
                <When at={f.uploadedAt} />
              </span>
              {editing && (
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void remove.run({ fileId: f.id }).then((r) => r.data && changed())}
                >
                  {t('warranty.claims.files.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
