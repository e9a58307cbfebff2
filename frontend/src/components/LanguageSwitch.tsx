import { useTranslation } from 'react-i18next';
import { chooseLanguage, LANGUAGES, type Language } from '../i18n';

/** English / 简体中文, each shown in its own language; the choice is kept in this browser. */
export function LanguageSwitch({ tone = 'dark' }: { tone?: 'dark' | 'light' }) {
  const { t, i18n } = useTranslation();
  return (
    <div className={`segmented segmented-${tone}`} role="group" aria-label={t('lang.label')} data-testid="language-switch">
      {LANGUAGES.map((language: Language) => {
        const active = i18n.language === language;
        return (
          <button
            key={language}
            type="button"
            lang={language}
            aria-pressed={active}
            className={active ? 'active' : undefined}
            data-testid={`lang-${language}`}
            onClick={() => void chooseLanguage(language)}
          >
            {t(`lang.${language}`)}
          </button>
        );
      })}
    </div>
  );
}
