import { useTranslation } from 'react-i18next';
import { Money } from '../../components/Bits';

type Amount = string | number | null | undefined;

/** Labour, parts and materials rows of a totals table: the quotation and the settlement show them alike. */
export function KindTotalsRows({ labour, parts, materials }: { labour: Amount; parts: Amount; materials: Amount }) {
  const { t } = useTranslation();
  const rows = [
    ['order.labour', labour],
    ['order.parts', parts],
    ['order.materials', materials],
  ] as const;
  return (
    <>
      {rows.map(([label, amount]) => (
        <tr key={label}>
          <th scope="row">{t(label)}</th>
          <td className="num">
            <Money amount={amount} />
          </td>
        </tr>
      ))}
    </>
  );
}
