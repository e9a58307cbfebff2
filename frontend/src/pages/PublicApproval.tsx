import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { Provider, useQuery } from 'urql';
import { useTranslation } from 'react-i18next';
import { makeClient } from '../api/client';
import { useAction } from '../api/useAction';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { SignaturePad } from '../components/SignaturePad';
import { ApproveQuotationByTokenDocument, DeclineQuotationByTokenDocument, QuotationByTokenDocument } from '../gql/graphql';
import { formatDateTime, formatMoney, usePageTitle } from '../localize';

/**
 * The customer's approval page behind a one-time link: no account, no session, a phone.
 * Shows only that quotation; approve (optionally signing) or decline, once.
 */
export function PublicApproval() {
  const client = useMemo(() => makeClient(), []);
  return (
    <Provider value={client}>
      <ApprovalCard />
    </Provider>
  );
}

function ApprovalCard() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  usePageTitle(t('approve.title'));
  const [{ data, error, fetching }, refetch] = useQuery({ query: QuotationByTokenDocument, variables: { token } });
  const approve = useAction(ApproveQuotationByTokenDocument);
  const decline = useAction(DeclineQuotationByTokenDocument);
  const [signature, setSignature] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<'approved' | 'declined' | null>(null);
  const quotation = data?.quotationByToken;
  const money = (amount: string) => formatMoney(amount, 'CNY', i18n.language);
  const invalid = !!error || (quotation && quotation.status !== 'PENDING' && !outcome);
  const busy = approve.pending || decline.pending;

  return (
    <div className="public-page" data-testid="page-approve">
      <div className="public-top">
        <span className="brand-mark" aria-hidden="true">
          DN
        </span>
        <LanguageSwitch tone="light" />
      </div>
      <main className="public-card">
        <h1>{t('approve.title')}</h1>
        {fetching && !data ? (
          <p className="muted">{t('app.loading')}</p>
        ) : outcome ? (
          <p className="alert alert-ok" role="status" data-testid="approval-outcome" data-outcome={outcome}>
            {outcome === 'approved' ? t('approve.approved') : t('approve.declined')}
          </p>
        ) : invalid || !quotation ? (
          <p className="alert alert-error" role="alert" data-testid="approval-invalid">
            {t('approve.invalid')}
          </p>
        ) : (
          <>
            <p className="muted">{t('approve.intro', { dealer: quotation.dealerName })}</p>
            <p>
              {t('approve.order')}: <span className="mono">{quotation.orderNumber}</span> · {t('order.revision', { revision: quotation.revision })}
            </p>
            <table className="table" data-testid="approval-lines">
              <thead>
                <tr>
                  <th scope="col">{t('approve.item')}</th>
                  <th scope="col" className="num">{t('approve.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {quotation.lines.map((l, i) => (
                  <tr key={i} className={l.alreadyApproved ? 'muted' : undefined}>
                    <td>
                      {l.description}
                      <div className="hint">
                        {t(`lineKind.${l.kind.toLowerCase()}` as 'lineKind.labour')}
                        {l.hours != null && ` · ${t('common.hoursValue', { value: l.hours })}`}
                        {Number(l.quantity) !== 1 && ` · × ${Number(l.quantity)}`}
                        {l.payType !== 'CUSTOMER' && ` · ${t(`payType.${l.payType.toLowerCase()}` as 'payType.customer')}`}
                        {l.additional && ` · ${t('order.additional')}`}
                      </div>
                    </td>
                    <td className="num">{money(l.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="public-total" data-testid="approval-total">
              <span>{t('approve.total')}</span>
              <span>{money(quotation.customerTotal)}</span>
            </div>
            {quotation.promisedAt && (
              <p className="muted">
                {t('approve.promised')}: {formatDateTime(quotation.promisedAt, i18n.language)}
              </p>
            )}
            <h2 style={{ marginTop: 16 }}>{t('approve.signOptional')}</h2>
            <SignaturePad testId="public-signature" onChange={setSignature} />
            {(approve.error || decline.error) && (
              <p className="alert alert-error" role="alert" data-testid="approval-error">
                {(approve.error ?? decline.error)!.code === 'BAD_USER_INPUT' || (approve.error ?? decline.error)!.code === 'NOT_FOUND'
                  ? t('approve.invalid')
                  : (approve.error ?? decline.error)!.message}
              </p>
            )}
            <div className="public-actions">
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                data-testid="public-decline"
                onClick={() => void decline.run({ token }).then((r) => r.data && setOutcome('declined'))}
              >
                {t('approve.decline')}
              </button>
              <button
                type="button"
                className="button button-ok"
                disabled={busy}
                data-testid="public-approve"
                onClick={() =>
                  void approve.run({ token, signature }).then((r) => {
                    if (r.data) setOutcome('approved');
                    else refetch({ requestPolicy: 'network-only' });
                  })
                }
              >
                {busy ? t('approve.approving') : t('approve.approve')}
              </button>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
